import { CloudTrailClient, DescribeTrailsCommand, GetEventSelectorsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { DescribeEventBusCommand, EventBridgeClient, ListRulesCommand } from '@aws-sdk/client-eventbridge';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetBucketNotificationConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import { GetFunctionConcurrencyCommand, GetFunctionEventInvokeConfigCommand, LambdaClient, ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { lastHeartbeat } from '../../src/doctor/heartbeat.js';
import { doctorClients, runDoctor } from '../../src/doctor/run.js';
import { policyFromInput } from '../../src/policy/load.js';
import { MemoryStateStore } from '../../src/state/memory.js';
import { runCli } from '../helpers.js';
import { startLocalDynamo, type LocalDynamo } from '../state/dynalite-server.js';

const cloudtrail = mockClient(CloudTrailClient);
const events = mockClient(EventBridgeClient);
const ssm = mockClient(SSMClient);
const s3 = mockClient(S3Client);
const lambda = mockClient(LambdaClient);
const TRAIL = 'arn:aws:cloudtrail:us-east-1:111122223333:trail/org';
const NOW = Date.parse('2025-01-10T10:00:00Z');
const prefix = 'sse-sentinel-test-';

beforeEach(() => {
  for (const mock of [cloudtrail, events, ssm, s3, lambda]) mock.reset();
  lambda.on(GetFunctionConcurrencyCommand).resolves({ ReservedConcurrentExecutions: 2 });
  lambda.on(GetFunctionEventInvokeConfigCommand).resolves({ DestinationConfig: { OnFailure: { Destination: 'arn:aws:sqs:us-east-1:111122223333:sse-sentinel-test-failed-events' } } });
  lambda.on(ListEventSourceMappingsCommand).resolves({ EventSourceMappings: [{ EventSourceArn: 'arn:aws:sqs:us-east-1:111122223333:q', State: 'Enabled' }] });
  cloudtrail.on(DescribeTrailsCommand).resolves({ trailList: [{ TrailARN: TRAIL, IsMultiRegionTrail: true }] });
  cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true });
  cloudtrail.on(GetEventSelectorsCommand).resolves({ AdvancedEventSelectors: [{ Name: 'data', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::S3::Object'] }] }] });
  events.on(ListRulesCommand, { NamePrefix: prefix }).resolvesOnce({ Rules: [{ Name: `${prefix}read-only`, State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS' }], NextToken: 'p2' })
    .resolves({ Rules: [{ Name: `${prefix}kms-usage`, State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS' }, { Name: `${prefix}processor-rule-1`, State: 'ENABLED' }] });
  ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'https://hooks.slack.com/services/T/B/secret' } });
});

describe('runDoctor', () => {
  it('checks everything through the AWS APIs, following pagination, and never reports the secret', async () => {
    const store = new MemoryStateStore();
    await store.incrementCounter(`heartbeat|${NOW - 10 * 60_000}`, NOW - 10 * 60_000, 86_400_000);
    const results = await runDoctor(doctorClients({ region: 'us-east-1' }), {
      stage: 'test', policy: policyFromInput({ buckets: [{ match: 'prod-*', requireKms: true }] }), store, slackParameter: '/sse-sentinel/test/slack-webhook',
      expectedRules: 3, heartbeatMaxAgeMs: 45 * 60_000, nowMs: NOW,
    });
    expect(results.map((r) => [r.id, r.ok])).toEqual([['trail', true], ['data-events', true], ['log-files', true], ['rules', true], ['functions', true], ['organization', true], ['slack-secret', true], ['heartbeat', true]]);
    // no organization configured: the bus's policy is not read
    expect(events.commandCalls(DescribeEventBusCommand)).toHaveLength(0);
    expect(JSON.stringify(results)).not.toContain('hooks.slack.com');
    expect(events.commandCalls(ListRulesCommand)).toHaveLength(2);
  });

  it('reads bucket selectors in the trail\'s partition: a China trail recording prod buckets\' objects covers prod-*', async () => {
    cloudtrail.on(GetEventSelectorsCommand).resolves({ EventSelectors: [{ ReadWriteType: 'All', DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws-cn:s3:::prod-'] }] }] });
    const run = (region: string) => runDoctor(doctorClients({ region }), { stage: 'test', policy: policyFromInput({ buckets: [{ match: 'prod-*', requireKms: true }] }), expectedRules: 3, heartbeatMaxAgeMs: 1, nowMs: NOW });
    expect((await run('cn-north-1')).find((r) => r.id === 'data-events')?.ok).toBe(true);
    // the same selector in a trail of the aws partition names other buckets
    expect((await run('us-east-1')).find((r) => r.id === 'data-events')).toMatchObject({ ok: false, detail: expect.stringContaining('S3 object data events for prod-*') });
  });

  it('reads where the trails deliver and whether the trail bucket sends its events to EventBridge', async () => {
    cloudtrail.on(DescribeTrailsCommand).resolves({ trailList: [{ TrailARN: TRAIL, IsMultiRegionTrail: true, S3BucketName: 'org-trail-logs' }] });
    const run = () => runDoctor(doctorClients({ region: 'us-east-1' }), { stage: 'test', policy: policyFromInput(), trailBucket: 'org-trail-logs', expectedRules: 3, heartbeatMaxAgeMs: 1, nowMs: NOW });
    s3.on(GetBucketNotificationConfigurationCommand, { Bucket: 'org-trail-logs' }).resolves({ EventBridgeConfiguration: {}, QueueConfigurations: [] });
    expect((await run()).find((r) => r.id === 'log-files')?.ok).toBe(true);
    s3.on(GetBucketNotificationConfigurationCommand, { Bucket: 'org-trail-logs' }).resolves({ LambdaFunctionConfigurations: [] });
    expect((await run()).find((r) => r.id === 'log-files')).toMatchObject({ ok: false, detail: expect.stringContaining('does not send its events to EventBridge') });
    // a bucket of another account (an organization's log archive): the doctor says it could not look
    s3.on(GetBucketNotificationConfigurationCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    expect((await run()).find((r) => r.id === 'log-files')).toEqual({ id: 'log-files', ok: false, detail: 'could not check: AccessDenied: Access Denied' });
  });

  it('reads the functions as they run: a missing one, a removed reservation, no failure destination, a mapping Lambda disabled', async () => {
    const run = async () => (await runDoctor(doctorClients({ region: 'us-east-1' }), { stage: 'test', policy: policyFromInput(), expectedRules: 3, heartbeatMaxAgeMs: 1, nowMs: NOW })).find((r) => r.id === 'functions')!;
    expect(await run()).toMatchObject({ ok: true });
    // every function by its deployed name; the asynchronous ones' destinations, the queue ones' mappings
    expect(lambda.commandCalls(GetFunctionConcurrencyCommand).map((c) => c.args[0].input.FunctionName).sort()).toEqual(
      ['doctor', 'inventory', 'logfile', 'processor', 'remediator', 'usage'].map((n) => `${prefix}${n}`));
    expect(lambda.commandCalls(GetFunctionEventInvokeConfigCommand).map((c) => c.args[0].input.FunctionName).sort()).toEqual(['doctor', 'inventory', 'logfile', 'processor'].map((n) => `${prefix}${n}`));
    expect(lambda.commandCalls(ListEventSourceMappingsCommand).map((c) => c.args[0].input.FunctionName).sort()).toEqual(['remediator', 'usage'].map((n) => `${prefix}${n}`));

    lambda.on(GetFunctionConcurrencyCommand, { FunctionName: `${prefix}inventory` }).rejects(Object.assign(new Error('Function not found'), { name: 'ResourceNotFoundException' }));
    lambda.on(GetFunctionConcurrencyCommand, { FunctionName: `${prefix}processor` }).resolves({});
    lambda.on(GetFunctionEventInvokeConfigCommand, { FunctionName: `${prefix}logfile` }).rejects(Object.assign(new Error('no config'), { name: 'ResourceNotFoundException' }));
    lambda.on(GetFunctionConcurrencyCommand, { FunctionName: `${prefix}doctor` }).resolves({ ReservedConcurrentExecutions: 0 });
    // the usage function's mappings over two pages, the second disabled by Lambda after errors
    lambda.on(ListEventSourceMappingsCommand, { FunctionName: `${prefix}usage` })
      .resolvesOnce({ EventSourceMappings: [{ EventSourceArn: 'arn:aws:sqs:us-east-1:111122223333:a', State: 'Enabled' }], NextMarker: 'm2' })
      .resolves({ EventSourceMappings: [{ EventSourceArn: 'arn:aws:sqs:us-east-1:111122223333:usage', State: 'Disabled', StateTransitionReason: 'USER_INITIATED' }] });
    lambda.on(ListEventSourceMappingsCommand, { FunctionName: `${prefix}remediator` }).resolves({ EventSourceMappings: [] });
    const result = await run();
    expect(result.ok).toBe(false);
    expect(result.detail.split('; ')).toEqual([
      `${prefix}processor has no reserved concurrency (a busy account can starve it)`,
      `${prefix}usage's mapping from arn:aws:sqs:us-east-1:111122223333:usage is Disabled (USER_INITIATED)`,
      `${prefix}logfile has no on-failure destination: events that fail are dropped`,
      `${prefix}remediator has no event source mapping: its queue is never read`,
      `${prefix}doctor has reserved concurrency 0: it cannot run`,
      `${prefix}inventory does not exist`,
      'redeploy (npx serverless deploy)',
    ]);
    // another error is no verdict on the functions: the check says it could not look
    lambda.on(GetFunctionConcurrencyCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    expect(await run()).toMatchObject({ ok: false, detail: expect.stringContaining('could not check: AccessDeniedException') });
  });

  it('reads the default bus\'s policy for the statement that lets the organization\'s member accounts forward', async () => {
    const statement = (orgId: string, sid = 'sse-sentinel-test-organization') => ({ Sid: sid, Effect: 'Allow', Principal: '*', Action: 'events:PutEvents', Resource: 'arn:aws:events:us-east-1:111122223333:event-bus/default', Condition: { StringEquals: { 'aws:PrincipalOrgID': orgId } } });
    const run = async (policy: unknown) => {
      events.on(DescribeEventBusCommand, { Name: 'default' }).resolves(policy === undefined ? { Name: 'default' } : { Name: 'default', Policy: typeof policy === 'string' ? policy : JSON.stringify(policy) });
      return (await runDoctor(doctorClients({ region: 'us-east-1' }), { stage: 'test', policy: policyFromInput(), organizationId: 'o-abcd1234', expectedRules: 3, heartbeatMaxAgeMs: 1, nowMs: NOW })).find((r) => r.id === 'organization')!;
    };
    expect(await run({ Version: '2012-10-17', Statement: [statement('o-zzzz9999', 'partner'), statement('o-abcd1234')] })).toMatchObject({ ok: true });
    // a single statement object, as IAM also allows
    expect(await run({ Version: '2012-10-17', Statement: statement('o-abcd1234') })).toMatchObject({ ok: true });
    expect(await run({ Version: '2012-10-17', Statement: [statement('o-zzzz9999')] })).toMatchObject({ ok: false, detail: expect.stringContaining('no longer allows events:PutEvents to o-abcd1234') });
    expect(await run({ Version: '2012-10-17', Statement: [statement('o-abcd1234', 'partner')] })).toMatchObject({ ok: false, detail: expect.stringContaining('has no statement sse-sentinel-test-organization') });
    expect(await run(undefined)).toMatchObject({ ok: false, detail: expect.stringContaining('has no statement') });
    expect(await run('{not json')).toMatchObject({ ok: false, detail: expect.stringContaining('not JSON') });
  });

  it('turns an AWS error into a failed check instead of a crash', async () => {
    cloudtrail.on(DescribeTrailsCommand).rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }));
    const results = await runDoctor(doctorClients({ region: 'us-east-1' }), { stage: 'test', policy: policyFromInput(), expectedRules: 3, heartbeatMaxAgeMs: 1, nowMs: NOW });
    expect(results.find((r) => r.id === 'trail')).toEqual({ id: 'trail', ok: false, detail: 'could not check: AccessDeniedException: User is not authorized' });
    expect(results.find((r) => r.id === 'rules')?.ok).toBe(true);
  });

  it('sse-sentinel doctor prints each check and exits 1 on a failure', async () => {
    cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: false });
    s3.on(GetBucketNotificationConfigurationCommand).resolves({});
    const { code, stdout, stderr } = await runCli(['doctor', '--stage', 'test', '--region', 'us-east-1', '--no-heartbeat', '--policy', 'policy.example.yaml', '--trail-bucket', 'org-trail-logs']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^FAIL trail +no multi-Region trail is logging/m);
    expect(stdout).toMatch(/^FAIL log-files +no logging trail delivers to org-trail-logs/m);
    expect(stdout).toMatch(/^ok {3}slack-secret +\/sse-sentinel\/test\/slack-webhook is readable$/m);
    expect(stderr).toMatch(/checks passed/);
  });
});

describe('heartbeat', () => {
  let processor: (event: unknown) => Promise<{ findings: unknown[]; skipped: string[] }>;
  let doctor: () => Promise<{ id: string; ok: boolean }[]>;
  let dynamo: LocalDynamo;
  beforeAll(async () => {
    // the processor and the doctor share the state table, as deployed: a DynamoDB-protocol server on loopback
    dynamo = await startLocalDynamo();
    await dynamo.createTable('doctor-state');
    for (const [name, value] of Object.entries({ STATE_TABLE_NAME: 'doctor-state', AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' })) vi.stubEnv(name, value);
    vi.stubEnv('HEARTBEAT_PARAMETER', '/sse-sentinel/test/heartbeat');
    vi.stubEnv('SSE_SENTINEL_STAGE', 'test');
    vi.resetModules();
    processor = (await import('../../handlers/processor.js')).handler as never;
    doctor = (await import('../../handlers/doctor.js')).handler as never;
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    vi.resetModules();
    await dynamo.close();
  });

  it('the doctor writes the heartbeat; its CloudTrail event, through the processor, makes the next check pass', async () => {
    ssm.on(PutParameterCommand).resolves({ Version: 2 });
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const first = await doctor();
      expect(first.find((r) => r.id === 'heartbeat')?.ok).toBe(false);
      const put = ssm.commandCalls(PutParameterCommand)[0]!.args[0].input;
      expect(put).toMatchObject({ Name: '/sse-sentinel/test/heartbeat', Type: 'String', Overwrite: true });
      // what CloudTrail then delivers through EventBridge (PutParameter records the name, never the value)
      const result = await processor({ version: '0', id: 'hb', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.ssm', account: '111122223333', time: new Date().toISOString(), region: 'us-east-1', resources: [],
        detail: { eventSource: 'ssm.amazonaws.com', eventName: 'PutParameter', eventTime: new Date().toISOString(), eventID: 'hb-1', requestParameters: { name: '/sse-sentinel/test/heartbeat', type: 'String', overwrite: true }, responseElements: { version: 2, tier: 'Standard' } } });
      expect(result).toEqual({ findings: [], duplicates: 0, skipped: ['sse-sentinel heartbeat'] });
      const emf = log.mock.calls.map((c) => JSON.parse(String(c[0]))).find((line) => line.HeartbeatsReceived === 1);
      expect(emf._aws.CloudWatchMetrics[0]).toEqual({ Namespace: 'SseSentinel', Dimensions: [['stage']], Metrics: [{ Name: 'HeartbeatsReceived', Unit: 'Count' }] });
      const second = await doctor();
      expect(second.find((r) => r.id === 'heartbeat')?.ok).toBe(true);
      const failures = log.mock.calls.map((c) => JSON.parse(String(c[0]))).filter((line) => 'SelfCheckFailures' in line).map((line) => line.SelfCheckFailures);
      expect(failures[1]).toBeLessThan(failures[0]);
    } finally {
      log.mockRestore();
    }
  });

  it('finds the latest heartbeat window, within the look-back only', async () => {
    const store = new MemoryStateStore();
    expect(await lastHeartbeat(store, NOW, 45 * 60_000)).toBeUndefined();
    await store.incrementCounter(`heartbeat|${NOW - 30 * 60_000}`, NOW - 30 * 60_000, 86_400_000);
    expect(await lastHeartbeat(store, NOW, 45 * 60_000)).toBe(NOW - 25 * 60_000);
    expect(await lastHeartbeat(store, NOW, 10 * 60_000)).toBeUndefined();
  });
});
