import { DescribeKeyCommand, EnableKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  GetBucketEncryptionCommand, PutBucketEncryptionCommand, S3Client, type ServerSideEncryptionRule,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/alerts/finding.js';
import { normalizeValue } from '../../src/events/normalize.js';
import type { Policy } from '../../src/policy/policy.js';
import { Pipeline } from '../../src/pipeline.js';
import { regionalClients } from '../../src/remediate/clients.js';
import { outcomeFinding } from '../../src/remediate/outcome-finding.js';
import { remediate, type RemediationOutcome } from '../../src/remediate/remediate.js';
import { MemoryStateStore } from '../../src/state/memory.js';
import { apiEvent, eventOfCall } from './cloudtrail.js';
import { ACCOUNT, awsError, BUCKET, KEY, keyFinding, policy, REMEDIATOR_ROLE, REMEDIATOR_SESSION } from './fixtures.js';

const s3 = mockClient(S3Client);
const kms = mockClient(KMSClient);
const clients = regionalClients();
const T0 = Date.parse('2025-01-10T10:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The bucket's default encryption as S3 holds it: what mallory's events and the remediator's calls change. */
let bucketRule: ServerSideEncryptionRule | undefined;

beforeEach(() => {
  s3.reset();
  kms.reset();
  bucketRule = undefined;
  s3.on(GetBucketEncryptionCommand).callsFake(() => {
    if (!bucketRule) throw awsError('ServerSideEncryptionConfigurationNotFoundError', 'not found');
    return { ServerSideEncryptionConfiguration: { Rules: [bucketRule] } };
  });
  s3.on(PutBucketEncryptionCommand).callsFake((input) => {
    bucketRule = input.ServerSideEncryptionConfiguration.Rules[0];
    return {};
  });
});

const kmsRule = { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' as const, KMSMasterKeyID: KEY }, BucketKeyEnabled: true };
const putKms = (time: number) => apiEvent('s3.amazonaws.com', 'PutBucketEncryption', {
  bucketName: 'payroll-exports', ServerSideEncryptionConfiguration: { Rule: kmsRule }, encryption: '',
}, { time: iso(time) });
const deleteEncryption = (time: number) => apiEvent('s3.amazonaws.com', 'DeleteBucketEncryption', { bucketName: 'payroll-exports', encryption: '' }, { time: iso(time) });

/**
 * What the deployment does per EventBridge event: a pipeline loaded from the shared store classifies it (as a Lambda
 * invocation would), S3 takes the change, and every finding goes through the remediator with the clock at event time.
 */
async function deliver(envelope: Record<string, unknown>, store: MemoryStateStore, p: Policy, killSwitch = false): Promise<{ findings: Finding[]; outcomes: RemediationOutcome[] }> {
  const pipeline = await Pipeline.create({ policy: p, store });
  const findings: Finding[] = [];
  const outcomes: RemediationOutcome[] = [];
  for (const item of normalizeValue(envelope, { source: 'test' })) {
    if (item.kind !== 'event') continue;
    findings.push(...(await pipeline.process(item.event)).findings);
    if (item.event.eventName === 'DeleteBucketEncryption' && !item.event.errorCode) bucketRule = undefined;
    if (item.event.eventName === 'PutBucketEncryption' && !item.event.errorCode) bucketRule = kmsRule;
  }
  await pipeline.save();
  for (const finding of findings) {
    const outcome = await remediate(finding, { policy: p, store, clients, killSwitch, now: () => Date.parse(finding.eventTime) });
    if (outcome) outcomes.push(outcome);
  }
  return { findings, outcomes };
}

const enforcing = (extra: object = {}) => policy({ rules: { 's3.bucket-encryption-removed': { mode: 'enforce' } }, ...extra });

describe('remediate', () => {
  it('enforce restores the bucket, records the prior state and teaches the ledger what it restored', async () => {
    const store = new MemoryStateStore();
    await deliver(putKms(T0), store, enforcing());
    const { outcomes } = await deliver(deleteEncryption(T0 + 60_000), store, enforcing());
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ actionId: 'restore-bucket-encryption', mode: 'enforce', kind: 'applied', outcome: 'applied', prior: null, resource: BUCKET });
    expect(bucketRule).toEqual(kmsRule);
    const ledger = (await Pipeline.create({ policy: enforcing(), store })).ledger;
    expect(ledger.bucket(BUCKET)?.encryption).toMatchObject({ sseAlgorithm: 'aws:kms', kmsKeyArn: KEY, bucketKeyEnabled: true });
  });

  it('dry-run (the default) reads the bucket, says what it would call, and changes nothing', async () => {
    const store = new MemoryStateStore();
    await deliver(putKms(T0), store, policy());
    const { outcomes } = await deliver(deleteEncryption(T0 + 60_000), store, policy());
    expect(outcomes[0]).toMatchObject({ mode: 'dry-run', kind: 'dry-run' });
    expect(outcomes[0]!.wouldCall!.map((c) => c.operation)).toEqual(['PutBucketEncryption']);
    expect(s3.commandCalls(PutBucketEncryptionCommand)).toHaveLength(0);
    expect(bucketRule).toBeUndefined();
  });

  it('alert and off modes never reach AWS', async () => {
    for (const mode of ['alert', 'off'] as const) {
      const store = new MemoryStateStore();
      const p = policy({ rules: { 's3.bucket-encryption-removed': { mode } } });
      await deliver(putKms(T0), store, p);
      const { findings, outcomes } = await deliver(deleteEncryption(T0 + 60_000), store, p);
      expect(findings.map((f) => f.ruleId)).toEqual(mode === 'off' ? [] : ['s3.bucket-encryption-removed']);
      expect(outcomes).toEqual([]);
    }
    expect(s3.calls()).toHaveLength(0);
  });

  it('the kill switch (SSM or policy) turns enforce into dry-run and says so', async () => {
    for (const [p, killSwitch] of [[enforcing(), true], [enforcing({ remediation: { killSwitch: true } }), false]] as const) {
      const store = new MemoryStateStore();
      await deliver(putKms(T0), store, p);
      const { outcomes } = await deliver(deleteEncryption(T0 + 60_000), store, p, killSwitch);
      expect(outcomes[0]).toMatchObject({ mode: 'dry-run', kind: 'dry-run', notes: ['kill switch on: enforce ran as dry-run'] });
    }
    expect(s3.commandCalls(PutBucketEncryptionCommand)).toHaveLength(0);
  });

  it('acts once per CloudTrail event id, whatever the redeliveries', async () => {
    const store = new MemoryStateStore();
    await deliver(putKms(T0), store, enforcing());
    const { findings } = await deliver(deleteEncryption(T0 + 60_000), store, enforcing());
    const deps = { policy: enforcing(), store, clients, now: () => T0 + 61_000 };
    const second = await remediate(findings[0]!, deps);
    expect(second).toBeUndefined();
    expect(s3.commandCalls(PutBucketEncryptionCommand)).toHaveLength(1);
  });

  it('lets a retry act after a retryable failure, not after AccessDenied', async () => {
    const deps = (store: MemoryStateStore) => ({ policy: policy({ rules: { 'kms.key-disabled': { mode: 'enforce' } } }), store, clients, now: () => T0 });
    kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: KEY, KeyState: 'Disabled' } });
    kms.on(EnableKeyCommand).rejectsOnce(awsError('ThrottlingException', 'Rate exceeded', { $metadata: { httpStatusCode: 400 } })).rejects(awsError('AccessDeniedException', 'denied'));
    const store = new MemoryStateStore();
    const finding = keyFinding('kms.key-disabled');
    expect(await remediate(finding, deps(store))).toMatchObject({ kind: 'failed', retryable: true });
    expect(await remediate(finding, deps(store))).toMatchObject({ kind: 'failed', outcome: 'failed: AccessDeniedException: denied' });
    expect(await remediate(finding, deps(store))).toBeUndefined();
    expect(kms.commandCalls(EnableKeyCommand)).toHaveLength(2);
  });

  it('never acts on an event the remediator\'s own role caused (checked in code)', async () => {
    const own = keyFinding('kms.key-disabled', undefined, { principal: REMEDIATOR_SESSION, actor: { kind: 'AssumedRole', roleArn: REMEDIATOR_ROLE } });
    const outcome = await remediate(own, { policy: policy({ rules: { 'kms.key-disabled': { mode: 'enforce' } } }), store: new MemoryStateStore(), clients });
    expect(outcome).toMatchObject({ kind: 'skipped', outcome: 'skipped: own event (the remediator\'s role made this change)', calls: [] });
    expect(kms.calls()).toHaveLength(0);
  });

  it('only alerts for resources of other accounts (organization members): its role can act in its own account only', async () => {
    const member = keyFinding('kms.key-disabled', undefined, { keyArn: 'arn:aws:kms:us-east-1:999988887777:key/1234abcd-12ab-34cd-56ef-1234567890ab', resources: ['arn:aws:kms:us-east-1:999988887777:key/1234abcd-12ab-34cd-56ef-1234567890ab'] });
    const outcome = await remediate(member, { policy: policy({ rules: { 'kms.key-disabled': { mode: 'enforce' } } }), store: new MemoryStateStore(), clients, ownAccount: ACCOUNT });
    expect(outcome?.outcome).toBe(`skipped: the resource is in account 999988887777; the remediator acts in its own account (${ACCOUNT}) only`);
    expect(kms.calls()).toHaveLength(0);
  });

  it('budget: a bucket stripped 20 times in an hour is remediated once, then alerted only; again after the hour', async () => {
    const store = new MemoryStateStore();
    await deliver(putKms(T0), store, enforcing());
    const outcomes: RemediationOutcome[] = [];
    const alerts: Finding[] = [];
    for (let i = 0; i < 20; i++) {
      // flipped: someone sets SSE-KMS again, then it is removed again
      if (i > 0) await deliver(putKms(T0 + i * 150_000), store, enforcing());
      const { findings, outcomes: some } = await deliver(deleteEncryption(T0 + 60_000 + i * 150_000), store, enforcing());
      outcomes.push(...some);
      alerts.push(...some.map((o) => outcomeFinding(findings[0]!, o)));
    }
    expect(outcomes).toHaveLength(20);
    expect(outcomes.filter((o) => o.kind === 'applied')).toHaveLength(1);
    expect(outcomes[0]!.kind).toBe('applied');
    expect(outcomes.slice(1).every((o) => o.outcome.startsWith('skipped: budget: restore-bucket-encryption already acted on this resource in the last 60 minutes'))).toBe(true);
    expect(s3.commandCalls(PutBucketEncryptionCommand)).toHaveLength(1);
    // each skipped outcome is an alert of its own, linked to its finding; repeats share a dedup key, so they fold into one alert per window
    expect(new Set(alerts.slice(1).map((a) => a.dedupKey)).size).toBe(1);
    expect(new Set(alerts.map((a) => a.eventId)).size).toBe(20);
    await deliver(putKms(T0 + 61 * 60_000), store, enforcing());
    const later = await deliver(deleteEncryption(T0 + 62 * 60_000), store, enforcing());
    expect(later.outcomes[0]!.kind).toBe('applied');
  });

  it('circuit breaker: more than 10 actions in a minute switches to alert-only and says so', async () => {
    const store = new MemoryStateStore();
    const p = policy({ rules: { 'kms.key-disabled': { mode: 'enforce' } } });
    const enabledKeys = new Set<string>();
    kms.on(EnableKeyCommand).callsFake((input: { KeyId: string }) => { enabledKeys.add(input.KeyId); return {}; });
    kms.on(DescribeKeyCommand).callsFake((input: { KeyId: string }) => ({ KeyMetadata: { KeyId: input.KeyId, KeyState: enabledKeys.has(input.KeyId) ? 'Enabled' : 'Disabled' } }));
    const outcomes: RemediationOutcome[] = [];
    for (let i = 0; i < 12; i++) {
      const key = `arn:aws:kms:us-east-1:${ACCOUNT}:key/00000000-0000-4000-8000-0000000000${String(i).padStart(2, '0')}`;
      const finding = keyFinding('kms.key-disabled', undefined, { eventId: `e-${i}`, keyArn: key, resources: [key], blastRadius: { keyArn: key, tableBuckets: { count: 1, arns: ['x'] }, tables: { count: 0, arns: [] }, buckets: { count: 0, arns: [] } } });
      outcomes.push((await remediate(finding, { policy: p, store, clients, now: () => T0 + i * 1000 }))!);
    }
    expect(outcomes.slice(0, 10).map((o) => o.kind)).toEqual(Array(10).fill('applied'));
    expect(outcomes[10]!.outcome).toMatch(/^skipped: circuit breaker tripped: 11 actions in a minute in account 111122223333 \(limit 10\); alert-only for 60 minutes$/);
    expect(outcomes[11]!.outcome).toMatch(/^skipped: circuit breaker open/);
    expect(enabledKeys.size).toBe(10);
  });

  it('an outcome alert is linked to its finding and names action, mode, outcome and calls', async () => {
    const store = new MemoryStateStore();
    await deliver(putKms(T0), store, enforcing());
    const { findings, outcomes } = await deliver(deleteEncryption(T0 + 60_000), store, enforcing());
    const alert = outcomeFinding(findings[0]!, outcomes[0]!);
    expect(alert).toMatchObject({ eventId: findings[0]!.eventId, ruleId: 's3.bucket-encryption-removed', remediation: { action: 'restore-bucket-encryption', mode: 'enforce', outcome: 'applied' } });
    expect(alert.title).toBe('Remediation applied: S3 bucket default encryption removed');
    expect(alert.summary).toContain('calls: s3:GetBucketEncryption → s3:PutBucketEncryption → s3:GetBucketEncryption');
    expect(alert.dedupKey).not.toBe(findings[0]!.dedupKey);
  });
});

describe('loop guard', () => {
  it('the events the remediator\'s own calls produce lead to no further action', async () => {
    const store = new MemoryStateStore();
    const p = policy({ rules: { 's3.bucket-encryption-removed': { mode: 'enforce' } } });
    await deliver(putKms(T0), store, p);
    const first = await deliver(deleteEncryption(T0 + 60_000), store, p);
    expect(first.outcomes[0]!.kind).toBe('applied');
    let calls = first.outcomes.flatMap((o) => o.calls);
    let rounds = 0;
    // feed each round's calls back as CloudTrail events, as often as they produce calls (they must not)
    while (calls.length > 0 && rounds < 5) {
      rounds++;
      const next: RemediationOutcome[] = [];
      for (const call of calls) next.push(...(await deliver(eventOfCall(call, iso(T0 + 120_000 + rounds * 1000)), store, p)).outcomes);
      expect(next.filter((o) => o.kind === 'applied' || o.kind === 'dry-run')).toEqual([]);
      calls = next.flatMap((o) => o.calls);
    }
    expect(rounds).toBe(1);
    expect(s3.commandCalls(PutBucketEncryptionCommand)).toHaveLength(1);
  });

  it('an own event that would match a remediable rule is still never acted on', async () => {
    const store = new MemoryStateStore();
    const p = policy({ rules: { 's3.bucket-encryption-removed': { mode: 'enforce' } } });
    await deliver(putKms(T0), store, p);
    const ownDelete = eventOfCall({ service: 's3', operation: 'DeleteBucketEncryption', input: { Bucket: 'payroll-exports' } }, iso(T0 + 60_000));
    const { findings, outcomes } = await deliver(ownDelete, store, p);
    expect(findings.map((f) => f.ruleId)).toEqual(['s3.bucket-encryption-removed']);
    expect(outcomes.map((o) => o.outcome)).toEqual(['skipped: own event (the remediator\'s role made this change)']);
    expect(s3.commandCalls(PutBucketEncryptionCommand)).toHaveLength(0);
  });
});
