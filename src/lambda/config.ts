import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CompiledPolicy } from '../policy/compiled.js';
import { Policy } from '../policy/policy.js';
import { RULE_IDS } from '../rules/index.js';
import { configuredTrailBucket } from '../doctor/expected.js';

export const COMPILED_POLICY = join('config', 'policy.compiled.json');

/**
 * The packaged policy. Its compiled form (validated when `serverless package` ran, see scripts/serverless-policy.cjs)
 * loads without YAML or zod; without one, or when it does not match the YAML next to it, the YAML is validated here.
 * A missing file means defaults; an invalid one fails the cold start (fail closed).
 */
export async function loadDeployedPolicy(env: NodeJS.ProcessEnv = process.env): Promise<Policy> {
  return withDeployment(await packagedPolicy(env), env);
}

/** The deployment's own facts the policy file cannot know: its trail bucket (the trailBucket parameter). */
function withDeployment(policy: Policy, env: NodeJS.ProcessEnv): Policy {
  const bucket = configuredTrailBucket(env);
  const { detector } = policy.document;
  if (!bucket || detector.trailBuckets.includes(bucket)) return policy;
  return new Policy({ ...policy.document, detector: { ...detector, trailBuckets: [...detector.trailBuckets, bucket] } });
}

async function packagedPolicy(env: NodeJS.ProcessEnv): Promise<Policy> {
  const root = env['LAMBDA_TASK_ROOT'] ?? process.cwd();
  const explicit = env['SSE_SENTINEL_POLICY_FILE'];
  const path = explicit ?? join(root, 'config', 'policy.yaml');
  if (!explicit) {
    const compiled = readCompiled(join(root, COMPILED_POLICY));
    const text = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    if (compiled && (text === undefined || text === compiled.yaml)) return new Policy(compiled.document);
  }
  const { loadPolicyFile, policyFromInput } = await import('../policy/load.js');
  if (!existsSync(path)) return policyFromInput();
  return loadPolicyFile(path, RULE_IDS);
}

function readCompiled(path: string): CompiledPolicy | undefined {
  if (!existsSync(path)) return undefined;
  const compiled = JSON.parse(readFileSync(path, 'utf8')) as Partial<CompiledPolicy>;
  return compiled.document && typeof compiled.yaml === 'string' ? (compiled as CompiledPolicy) : undefined;
}

/**
 * The alert topic: ALERT_TOPIC_ARN if set, else ALERT_TOPIC_NAME in the function's own account and region.
 * `serverless invoke local` (IS_LOCAL) publishes nothing unless ALERT_TOPIC_ARN is given explicitly.
 */
export function alertTopicArn(env: NodeJS.ProcessEnv, context?: { invokedFunctionArn?: string }): string | undefined {
  if (env['ALERT_TOPIC_ARN']) return env['ALERT_TOPIC_ARN'];
  const name = env['ALERT_TOPIC_NAME'];
  const where = name && !env['IS_LOCAL'] ? functionLocation(context) : undefined;
  return where ? `arn:${where.partition}:sns:${where.region}:${where.account}:${name}` : undefined;
}

/** The remediator's queue: REMEDIATION_QUEUE_URL if set, else REMEDIATION_QUEUE_NAME in the function's account and region. */
export function remediationQueueUrl(env: NodeJS.ProcessEnv, context?: { invokedFunctionArn?: string }): string | undefined {
  if (env['REMEDIATION_QUEUE_URL']) return env['REMEDIATION_QUEUE_URL'];
  const name = env['REMEDIATION_QUEUE_NAME'];
  const where = name && !env['IS_LOCAL'] ? functionLocation(context) : undefined;
  if (!where) return undefined;
  const domain = where.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://sqs.${where.region}.${domain}/${where.account}/${name}`;
}

function functionLocation(context?: { invokedFunctionArn?: string }): { partition: string; region: string; account: string } | undefined {
  const parts = context?.invokedFunctionArn?.split(':');
  if (!parts || parts.length < 5) return undefined;
  const [, partition, , region, account] = parts;
  return partition && region && account ? { partition, region, account } : undefined;
}
