import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadPolicyFile } from '../policy/load.js';
import { Policy } from '../policy/policy.js';
import { RULE_IDS } from '../rules/index.js';

/** The packaged policy file; a missing file means defaults, an invalid one fails the cold start (fail closed). */
export async function loadDeployedPolicy(env: NodeJS.ProcessEnv = process.env): Promise<Policy> {
  const path = env['SSE_SENTINEL_POLICY_FILE'] ?? join(env['LAMBDA_TASK_ROOT'] ?? process.cwd(), 'config', 'policy.yaml');
  if (!existsSync(path)) return Policy.fromInput();
  return loadPolicyFile(path, RULE_IDS);
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
