import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { policyFromInput } from '../../src/policy/load.js';
import { mockClient } from 'aws-sdk-client-mock';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/alerts/alert.js';
import type { AlertSink } from '../../src/alerts/deliver.js';
import { DeliveryError, publishFindings } from '../../src/lambda/publish.js';
import { CachedSecret } from '../../src/lambda/secrets.js';
import { MemoryStateStore } from '../../src/state/memory.js';
import { EVENTS, replayFiles } from '../helpers.js';

class RecordingSink implements AlertSink {
  readonly sent: Alert[] = [];
  constructor(readonly name: 'slack' | 'sns', private failures = 0) {}
  async send(alert: Alert): Promise<void> {
    if (this.failures-- > 0) throw new Error(`${this.name} is down`);
    this.sent.push(alert);
  }
}

describe('delivery from Lambda', () => {
  it('a retried event is not re-sent to the sink that already has it', async () => {
    const { findings } = await replayFiles([join(EVENTS, 's3tables/CreateTable.foreign-key.json')]);
    const store = new MemoryStateStore();
    await store.claimEvent(findings[0]!.eventId, Date.now());
    const sns = new RecordingSink('sns');
    const slack = new RecordingSink('slack', 1);
    await expect(publishFindings(findings, [sns, slack], store)).rejects.toThrow(DeliveryError);
    // the event's claim was released, so the retry processes it again…
    expect(await store.claimEvent(findings[0]!.eventId, Date.now())).toBe(true);
    await publishFindings(findings, [sns, slack], store);
    // …and only the sink that failed gets the alert the second time
    expect(sns.sent).toHaveLength(1);
    expect(slack.sent).toHaveLength(1);
    expect(slack.sent[0]!.alertId).toBe(sns.sent[0]!.alertId);
  });

  it('opens no alert window without a sink, so a sink configured later still gets the window\'s first alert', async () => {
    const { findings } = await replayFiles([join(EVENTS, 's3tables/CreateTable.foreign-key.json')]);
    const store = new MemoryStateStore();
    await publishFindings(findings, [], store);
    const sns = new RecordingSink('sns');
    await publishFindings(findings, [sns], store);
    expect(sns.sent.map((alert) => alert.eventId)).toEqual([findings[0]!.eventId]);
  });

  it('routes by the policy\'s per-sink minimum severity', async () => {
    const { findings } = await replayFiles([join(EVENTS, 's3tables/GetTableBucketEncryption.json')]);
    const slack = new RecordingSink('slack');
    const sns = new RecordingSink('sns');
    await publishFindings(findings, [slack, sns], new MemoryStateStore(), policyFromInput({ alerts: { sinks: { slack: { minSeverity: 'MEDIUM' } } } }));
    expect(slack.sent).toHaveLength(0);
    expect(sns.sent).toHaveLength(1);
  });
});

describe('CachedSecret', () => {
  it('reads a SecureString with decryption once per TTL, and treats a missing parameter as not configured', async () => {
    const ssm = mockClient(SSMClient);
    ssm.on(GetParameterCommand, { Name: '/sse-sentinel/prod/slack-webhook', WithDecryption: true }).resolves({ Parameter: { Value: 'https://hooks.slack.com/services/T/B/x' } });
    ssm.on(GetParameterCommand, { Name: '/missing' }).rejects(Object.assign(new Error('nope'), { name: 'ParameterNotFound' }));
    let now = 0;
    const secret = new CachedSecret(new SSMClient({ region: 'us-east-1' }), '/sse-sentinel/prod/slack-webhook', 1000, () => now);
    expect(await secret.get()).toBe('https://hooks.slack.com/services/T/B/x');
    now = 500;
    await secret.get();
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(1);
    now = 1500;
    await secret.get();
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
    expect(await new CachedSecret(new SSMClient({ region: 'us-east-1' }), '/missing').get()).toBeUndefined();
    ssm.restore();
  });

  it('fails with the parameter name and error type only, never the value', async () => {
    const ssm = mockClient(SSMClient);
    ssm.on(GetParameterCommand).rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }));
    await expect(new CachedSecret(new SSMClient({ region: 'us-east-1' }), '/p').get()).rejects.toThrow('cannot read the secret parameter /p: AccessDeniedException');
    ssm.restore();
  });
});

describe('alert windows across invocations', () => {
  it('sends the first finding of a window, counts the repeats, and the next window\'s alert says how many', async () => {
    const { findings } = await replayFiles([join(EVENTS, 'kms/Decrypt.other-service-denied.json')]);
    const base = findings[0]!;
    const store = new MemoryStateStore();
    const sns = new RecordingSink('sns');
    const at = (minute: number, id: string) => ({ ...base, eventId: id, eventTime: new Date(Date.parse('2025-01-10T10:00:00Z') + minute * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z') });
    for (let i = 0; i < 42; i++) await publishFindings([at(i, `e${i}`)], [sns], store);
    expect(sns.sent).toHaveLength(1);
    await publishFindings([at(75, 'next-window')], [sns], store);
    expect(sns.sent).toHaveLength(2);
    expect(sns.sent[1]!.repeatsSince).toEqual({ count: 41, since: '2025-01-10T10:00:00Z' });
  });
});
