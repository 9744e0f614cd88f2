import { DescribeKeyCommand, EnableKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Finding } from '../../src/alerts/finding.js';
import { readKillSwitch } from '../../src/lambda/kill-switch.js';
import { remediationQueueUrl } from '../../src/lambda/config.js';
import { EVENTS } from '../helpers.js';
import { keyFinding } from '../remediate/fixtures.js';

const sns = mockClient(SNSClient);
const sqs = mockClient(SQSClient);
const ssm = mockClient(SSMClient);
const kms = mockClient(KMSClient);
const TOPIC = 'arn:aws:sns:us-east-1:111122223333:sse-sentinel-test-alerts';
const QUEUE = 'https://sqs.us-east-1.amazonaws.com/111122223333/sse-sentinel-test-remediation';
const KILL_SWITCH = '/sse-sentinel/test/remediation-kill-switch';

type Handler = (event: SQSEvent) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;
let remediator: Handler;
let processor: (event: unknown) => Promise<{ findings: Finding[] }>;

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sse-sentinel-remediator-'));
  const policyFile = join(dir, 'policy.yaml');
  await writeFile(policyFile, [
    'rules:',
    '  kms.key-disabled: { mode: enforce }',
    '  s3tables.bucket-encryption-removed: { mode: dry-run }',
    'remediation:',
    '  protectedKeys: ["arn:aws:kms:*:111122223333:key/*"]',
  ].join('\n'));
  vi.stubEnv('SSE_SENTINEL_POLICY_FILE', policyFile);
  vi.stubEnv('ALERT_TOPIC_ARN', TOPIC);
  vi.stubEnv('REMEDIATION_QUEUE_URL', QUEUE);
  vi.stubEnv('REMEDIATION_KILL_SWITCH_PARAMETER', KILL_SWITCH);
  vi.resetModules();
  remediator = (await import('../../handlers/remediator.js')).handler as Handler;
  processor = (await import('../../handlers/processor.js')).handler as never;
});
afterAll(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

let enabled: boolean;
beforeEach(() => {
  for (const mock of [sns, sqs, ssm, kms]) mock.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  sqs.on(SendMessageCommand).resolves({ MessageId: 'q-1' });
  ssm.on(GetParameterCommand, { Name: KILL_SWITCH }).resolves({ Parameter: { Value: 'off' } });
  enabled = false;
  kms.on(DescribeKeyCommand).callsFake(() => ({ KeyMetadata: { KeyState: enabled ? 'Enabled' : 'Disabled' } }));
  kms.on(EnableKeyCommand).callsFake(() => { enabled = true; return {}; });
});

let messageCount = 0;
function batch(...bodies: unknown[]): SQSEvent {
  return { Records: bodies.map((body) => ({ messageId: `msg-${++messageCount}`, body: typeof body === 'string' ? body : JSON.stringify(body) })) } as SQSEvent;
}
const request = (finding: Finding) => ({ version: 1, finding });
let keyCount = 0;
/** A finding about a key of its own: the per-resource budget (one action per hour) would otherwise link the tests. */
function disabledKey(eventId: string, overrides: Partial<Finding> = {}): Finding {
  const key = `arn:aws:kms:us-east-1:111122223333:key/00000000-0000-4000-8000-${String(++keyCount).padStart(12, '0')}`;
  return keyFinding('kms.key-disabled', undefined, { eventId, keyArn: key, resources: [key], dedupKey: `kms.key-disabled|${key}`, ...overrides });
}
const published = () => sns.commandCalls(PublishCommand).map((c) => JSON.parse(c.args[0].input.Message!));

describe('processor hand-off', () => {
  it('puts remediable findings on the remediator\'s queue and says so in their alert', async () => {
    const event = JSON.parse(await readFile(join(EVENTS, 'kms/DisableKey.json'), 'utf8'));
    const result = await processor(event);
    expect(result.findings.map((f) => [f.ruleId, f.remediation])).toEqual([['kms.key-disabled', { action: 'enable-key', mode: 'enforce', outcome: 'pending' }]]);
    const sent = sqs.commandCalls(SendMessageCommand);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.args[0].input.QueueUrl).toBe(QUEUE);
    expect(JSON.parse(sent[0]!.args[0].input.MessageBody!)).toMatchObject({ version: 1, finding: { ruleId: 'kms.key-disabled', eventId: event.detail.eventID } });
    expect(published()[0]).toMatchObject({ ruleId: 'kms.key-disabled', remediation: { action: 'enable-key', mode: 'enforce', outcome: 'pending' } });
  });

  it('sends nothing for findings without an action, and fails the event whole when the queue fails', async () => {
    await processor(JSON.parse(await readFile(join(EVENTS, 'kms/DisableKeyRotation.json'), 'utf8')));
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
    sqs.on(SendMessageCommand).rejectsOnce(Object.assign(new Error('queue unavailable'), { name: 'ServiceUnavailable' })).resolves({ MessageId: 'q-2' });
    const event = JSON.parse(await readFile(join(EVENTS, 'kms/DisableKey.json'), 'utf8'));
    event.detail.eventID = 'ffffffff-0000-4000-8000-handoffretry';
    await expect(processor(event)).rejects.toThrow('remediation hand-off failed: ServiceUnavailable: queue unavailable');
    // Lambda retries the event: it is not taken for a duplicate, and the hand-off happens
    const retry = await processor(event);
    expect(retry.findings.map((f) => f.remediation?.outcome)).toEqual(['pending']);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(2);
  });
});

describe('remediator handler', () => {
  it('enforces with the kill switch off, and alerts the outcome linked to its finding', async () => {
    const finding = disabledKey('r-enforce');
    const result = await remediator(batch(request(finding)));
    expect(result.batchItemFailures).toEqual([]);
    expect(kms.calls().map((c) => (c.args[0] as object).constructor.name)).toEqual(['DescribeKeyCommand', 'EnableKeyCommand', 'DescribeKeyCommand']);
    expect(published()).toEqual([expect.objectContaining({ eventId: 'r-enforce', ruleId: 'kms.key-disabled', remediation: { action: 'enable-key', mode: 'enforce', outcome: 'applied' } })]);
  });

  it('reads the kill switch on every invocation: "on" and an unreadable parameter both mean dry-run', async () => {
    ssm.on(GetParameterCommand, { Name: KILL_SWITCH }).resolvesOnce({ Parameter: { Value: 'on' } }).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await remediator(batch(request(disabledKey('r-kill-1'))));
    await remediator(batch(request(disabledKey('r-kill-2'))));
    expect(ssm.commandCalls(GetParameterCommand, { Name: KILL_SWITCH })).toHaveLength(2);
    expect(kms.commandCalls(EnableKeyCommand)).toHaveLength(0);
    expect(published().map((m) => m.remediation)).toEqual([
      { action: 'enable-key', mode: 'dry-run', outcome: 'dry-run' },
      { action: 'enable-key', mode: 'dry-run', outcome: 'dry-run' },
    ]);
    expect(published()[0].summary).toContain('kill switch on: enforce ran as dry-run');
  });

  it('reports a retryable failure and an unreadable message in batchItemFailures, and handles the rest', async () => {
    kms.on(EnableKeyCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }));
    const event = batch(request(disabledKey('r-throttled')), '{"not":"a request"}', request(keyFinding('kms.key-disabled', undefined, { eventId: 'r-unprotected', blastRadius: undefined, keyArn: 'arn:aws:kms:us-east-1:444455556666:key/f00dbabe-1111-2222-3333-444455556666' })));
    const result = await remediator(event);
    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([event.Records[0]!.messageId, event.Records[1]!.messageId]);
    expect(published().map((m) => m.remediation.outcome)).toEqual(['failed: ThrottlingException: Rate exceeded', expect.stringMatching(/^skipped: the key is neither/)]);
    expect(published()[0].severity).toBe('HIGH');
  });

  it('acts and alerts once for a message delivered twice', async () => {
    const body = request(disabledKey('r-twice'));
    await remediator(batch(body));
    await remediator(batch(body));
    expect(kms.commandCalls(EnableKeyCommand)).toHaveLength(1);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });
});

describe('kill switch and queue address', () => {
  it('is off only for an explicit off value', async () => {
    const client = new SSMClient({ region: 'us-east-1' });
    for (const [value, on] of [['off', false], ['OFF ', false], ['false', false], ['on', true], ['dry-run', true], ['', true]] as const) {
      ssm.reset();
      ssm.on(GetParameterCommand).resolves({ Parameter: { Value: value } });
      expect((await readKillSwitch(client, 'p')).on, JSON.stringify(value)).toBe(on);
    }
    ssm.reset();
    ssm.on(GetParameterCommand).rejects(Object.assign(new Error('nope'), { name: 'ParameterNotFound' }));
    expect(await readKillSwitch(client, 'p')).toEqual({ on: true, reason: 'p could not be read (ParameterNotFound): failing safe into dry-run' });
    expect((await readKillSwitch(client, undefined)).on).toBe(false);
  });

  it('builds the queue URL from the function ARN, and none under invoke local', () => {
    const context = { invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:sse-sentinel-prod-processor' };
    expect(remediationQueueUrl({ REMEDIATION_QUEUE_NAME: 'sse-sentinel-prod-remediation' }, context)).toBe('https://sqs.eu-west-1.amazonaws.com/111122223333/sse-sentinel-prod-remediation');
    expect(remediationQueueUrl({ REMEDIATION_QUEUE_NAME: 'q', IS_LOCAL: 'true' }, context)).toBeUndefined();
  });
});
