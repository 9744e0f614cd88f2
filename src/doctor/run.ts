import { CloudTrailClient, DescribeTrailsCommand, GetEventSelectorsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { DescribeEventBusCommand, EventBridgeClient, ListRulesCommand } from '@aws-sdk/client-eventbridge';
import { GetFunctionConcurrencyCommand, GetFunctionEventInvokeConfigCommand, LambdaClient, ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetBucketNotificationConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import type { Policy } from '../policy/policy.js';
import { partitionOfClient } from '../util/partition.js';
import type { StateStore } from '../state/store.js';
import { checkDataEvents, checkLogFiles, checkTrail, type CheckResult, type TrailFacts } from './checks.js';
import { checkFunctions, checkHeartbeat, checkOrganization, checkRules, checkSecret, type FunctionFacts, type RuleFacts } from './deployment-checks.js';
import { DEPLOYED_FUNCTIONS } from './expected.js';
import { lastHeartbeat } from './heartbeat.js';

export interface DoctorClients {
  cloudtrail: CloudTrailClient;
  events: EventBridgeClient;
  ssm: SSMClient;
  s3: S3Client;
  lambda: LambdaClient;
}

export interface DoctorOptions {
  stage: string;
  policy: Policy;
  /** The state table, for the heartbeat; without it the heartbeat is not checked. */
  store?: StateStore;
  slackParameter?: string;
  /** The bucket the logfile function reads (the deployment's trailBucket); without it there is no log-file path. */
  trailBucket?: string;
  /** The organization whose member accounts forward their events to this account (the organizationId parameter). */
  organizationId?: string;
  expectedRules: number;
  heartbeatMaxAgeMs: number;
  nowMs: number;
}

export function doctorClients(config: { region?: string } = {}): DoctorClients {
  const common = { ...(config.region ? { region: config.region } : {}), maxAttempts: 5 };
  return { cloudtrail: new CloudTrailClient(common), events: new EventBridgeClient(common), ssm: new SSMClient(common), s3: new S3Client(common), lambda: new LambdaClient(common) };
}

/** An AWS error as a failed check, rather than a crash: the doctor reports everything it could not see. */
async function guarded(id: string, check: () => Promise<CheckResult>): Promise<CheckResult> {
  try {
    return await check();
  } catch (error) {
    return { id, ok: false, detail: `could not check: ${(error as Error).name}: ${(error as Error).message}` };
  }
}

async function trailFacts(client: CloudTrailClient): Promise<TrailFacts[]> {
  const { trailList = [] } = await client.send(new DescribeTrailsCommand({ includeShadowTrails: true }));
  const facts: TrailFacts[] = [];
  for (const trail of trailList) {
    if (!trail.TrailARN) continue;
    const [status, selectors] = await Promise.all([
      client.send(new GetTrailStatusCommand({ Name: trail.TrailARN })),
      client.send(new GetEventSelectorsCommand({ TrailName: trail.TrailARN })),
    ]);
    facts.push({
      arn: trail.TrailARN,
      multiRegion: trail.IsMultiRegionTrail === true,
      logging: status.IsLogging === true,
      basic: selectors.EventSelectors ?? [],
      advanced: selectors.AdvancedEventSelectors ?? [],
      ...(trail.S3BucketName ? { bucket: trail.S3BucketName } : {}),
    });
  }
  return facts;
}

async function ruleFacts(client: EventBridgeClient, prefix: string): Promise<RuleFacts[]> {
  const rules: RuleFacts[] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.send(new ListRulesCommand({ NamePrefix: prefix, ...(NextToken ? { NextToken } : {}) }));
    for (const rule of page.Rules ?? []) if (rule.Name) rules.push({ name: rule.Name, state: String(rule.State) });
    NextToken = page.NextToken;
  } while (NextToken);
  return rules;
}

async function readSecret(client: SSMClient, name: string): Promise<{ found: boolean } | { error: string }> {
  try {
    const result = await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    // the value is a secret: only whether it is there
    return { found: Boolean(result.Parameter?.Value) };
  } catch (error) {
    if ((error as Error).name === 'ParameterNotFound') return { found: false };
    return { error: (error as Error).name };
  }
}

async function sendsToEventBridge(client: S3Client, bucket: string): Promise<boolean> {
  const configuration = await client.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }));
  return configuration.EventBridgeConfiguration !== undefined;
}

function isNotFound(error: unknown): boolean {
  return (error as Error).name === 'ResourceNotFoundException';
}

async function functionFacts(client: LambdaClient, name: string, invokedBy: 'async' | 'queue'): Promise<FunctionFacts> {
  let reserved: number | undefined;
  try {
    reserved = (await client.send(new GetFunctionConcurrencyCommand({ FunctionName: name }))).ReservedConcurrentExecutions;
  } catch (error) {
    if (isNotFound(error)) return { name, exists: false, invokedBy };
    throw error;
  }
  const facts: FunctionFacts = { name, exists: true, invokedBy, ...(reserved !== undefined ? { reserved } : {}) };
  if (invokedBy === 'async') {
    try {
      const config = await client.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: name }));
      const destination = config.DestinationConfig?.OnFailure?.Destination;
      if (destination) facts.onFailure = destination;
    } catch (error) {
      // no asynchronous invocation configuration at all: no destination either
      if (!isNotFound(error)) throw error;
    }
  } else {
    facts.mappings = [];
    let Marker: string | undefined;
    do {
      const page = await client.send(new ListEventSourceMappingsCommand({ FunctionName: name, ...(Marker ? { Marker } : {}) }));
      for (const mapping of page.EventSourceMappings ?? []) {
        facts.mappings.push({ source: mapping.EventSourceArn ?? '?', state: mapping.State ?? '?', ...(mapping.StateTransitionReason ? { reason: mapping.StateTransitionReason } : {}) });
      }
      Marker = page.NextMarker;
    } while (Marker);
  }
  return facts;
}

/** Runs every self-check; each failure says what to do. */
export async function runDoctor(clients: DoctorClients, options: DoctorOptions): Promise<CheckResult[]> {
  const prefix = `sse-sentinel-${options.stage}-`;
  // both trail checks read the same trails: asked once (an error is reported by both)
  const trails = trailFacts(clients.cloudtrail);
  trails.catch(() => undefined);
  const results = [
    await guarded('trail', async () => checkTrail(await trails)),
    // selectors name buckets in the trail's partition (arn:aws-cn:s3:::… in China)
    await guarded('data-events', async () => checkDataEvents(await trails, {
      buckets: options.policy.document.buckets.filter((b) => b.requireKms !== false).map((b) => b.match),
      tableBuckets: options.policy.document.tableBuckets.filter((b) => b.requireKms !== false).map((b) => b.match),
    }, await partitionOfClient(clients.cloudtrail))),
    await guarded('log-files', async () => checkLogFiles(await trails, options.trailBucket, options.trailBucket ? await sendsToEventBridge(clients.s3, options.trailBucket) : undefined)),
    await guarded('rules', async () => checkRules(await ruleFacts(clients.events, prefix), prefix, options.expectedRules, [`${prefix}read-only`, `${prefix}kms-usage`])),
    await guarded('functions', async () => checkFunctions(await Promise.all(Object.entries(DEPLOYED_FUNCTIONS).map(([name, invokedBy]) => functionFacts(clients.lambda, `${prefix}${name}`, invokedBy))))),
    await guarded('organization', async () => checkOrganization(options.organizationId, `${prefix}organization`, options.organizationId ? (await clients.events.send(new DescribeEventBusCommand({ Name: 'default' }))).Policy : undefined)),
    await guarded('slack-secret', async () => checkSecret(options.slackParameter, options.slackParameter ? await readSecret(clients.ssm, options.slackParameter) : { found: false })),
  ];
  if (options.store) {
    const store = options.store;
    results.push(await guarded('heartbeat', async () => checkHeartbeat(await lastHeartbeat(store, options.nowMs, options.heartbeatMaxAgeMs), options.nowMs, options.heartbeatMaxAgeMs)));
  }
  return results;
}
