import { CancelKeyDeletionCommand, DescribeKeyCommand, EnableKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetBucketEncryptionCommand, GetBucketPolicyCommand, PutBucketEncryptionCommand, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { GetTableBucketEncryptionCommand, GetTableBucketPolicyCommand, PutTableBucketEncryptionCommand, PutTableBucketPolicyCommand, S3TablesClient } from '@aws-sdk/client-s3tables';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/correlate/ledger.js';
import { s3SseEnforcement, s3TablesSseEnforcement } from '../../src/correlate/policy-analysis.js';
import { restoreTableBucketSsePolicy } from '../../src/remediate/restore-table-bucket-sse-policy.js';
import { cancelKeyDeletion } from '../../src/remediate/cancel-key-deletion.js';
import { regionalClients } from '../../src/remediate/clients.js';
import { enableKey } from '../../src/remediate/enable-key.js';
import { restoreBucketEncryption } from '../../src/remediate/restore-bucket-encryption.js';
import { restoreBucketSsePolicy } from '../../src/remediate/restore-bucket-sse-policy.js';
import { restoreTableBucketEncryption } from '../../src/remediate/restore-table-bucket-encryption.js';
import type { RemediationAction, RemediationPlan } from '../../src/remediate/types.js';
import { ACCOUNT, awsError, BUCKET, finding, FOREIGN_KEY, KEY, keyFinding, OTHER_KEY, policy, TABLE_BUCKET } from './fixtures.js';

const s3tables = mockClient(S3TablesClient);
const s3 = mockClient(S3Client);
const kms = mockClient(KMSClient);
const clients = regionalClients();
const enforce = { dryRun: false, policy: policy() };

beforeEach(() => {
  s3tables.reset();
  s3.reset();
  kms.reset();
});

/** The commands a mocked client received, in order, by name. */
function sent(mock: { calls(): { args: unknown[] }[] }): string[] {
  return mock.calls().map((call) => (call.args[0] as object).constructor.name.replace(/Command$/, ''));
}

function planOf(action: RemediationAction, input: Parameters<RemediationAction['plan']>[0], p = policy()): RemediationPlan {
  const result = action.plan(input, p);
  if ('skip' in result) throw new Error(`expected a plan, got skip: ${result.skip}`);
  return result.plan;
}

describe('restore-table-bucket-encryption', () => {
  const plan = () => planOf(restoreTableBucketEncryption, finding());

  it('puts back the previous SSE-KMS key, then reads it back', async () => {
    s3tables.on(GetTableBucketEncryptionCommand)
      .resolvesOnce({ encryptionConfiguration: { sseAlgorithm: 'AES256' } })
      .resolves({ encryptionConfiguration: { sseAlgorithm: 'aws:kms', kmsKeyArn: KEY } });
    const result = await restoreTableBucketEncryption.execute(plan(), clients, enforce);
    expect(result.kind).toBe('applied');
    expect(sent(s3tables)).toEqual(['GetTableBucketEncryption', 'PutTableBucketEncryption', 'GetTableBucketEncryption']);
    expect(s3tables.commandCalls(PutTableBucketEncryptionCommand)[0]!.args[0].input).toEqual({
      tableBucketARN: TABLE_BUCKET, encryptionConfiguration: { sseAlgorithm: 'aws:kms', kmsKeyArn: KEY },
    });
    expect(result.prior).toEqual({ sseAlgorithm: 'AES256' });
    expect(result.calls.map((c) => c.operation)).toEqual(sent(s3tables));
    const ledger = new Ledger();
    result.learn!(ledger, { time: 1, eventId: 'r' });
    expect(ledger.tableBucket(TABLE_BUCKET)?.encryption).toEqual({ sseAlgorithm: 'aws:kms', kmsKeyArn: KEY });
  });

  it('does nothing when the bucket is already SSE-KMS with an approved key (someone else fixed it)', async () => {
    s3tables.on(GetTableBucketEncryptionCommand).resolves({ encryptionConfiguration: { sseAlgorithm: 'aws:kms', kmsKeyArn: OTHER_KEY } });
    const result = await restoreTableBucketEncryption.execute(plan(), clients, enforce);
    expect(result).toMatchObject({ kind: 'skipped', reason: `already compliant (SSE-KMS with ${OTHER_KEY})` });
    expect(sent(s3tables)).toEqual(['GetTableBucketEncryption']);
  });

  it('still acts when the current key is unapproved', async () => {
    s3tables.on(GetTableBucketEncryptionCommand)
      .resolvesOnce({ encryptionConfiguration: { sseAlgorithm: 'aws:kms', kmsKeyArn: FOREIGN_KEY } })
      .resolves({ encryptionConfiguration: { sseAlgorithm: 'aws:kms', kmsKeyArn: KEY } });
    const result = await restoreTableBucketEncryption.execute(plan(), clients, enforce);
    expect(result.kind).toBe('applied');
    expect(sent(s3tables)).toEqual(['GetTableBucketEncryption', 'PutTableBucketEncryption', 'GetTableBucketEncryption']);
  });

  it('reads but never writes in dry-run, and says what it would call', async () => {
    s3tables.on(GetTableBucketEncryptionCommand).resolves({ encryptionConfiguration: { sseAlgorithm: 'AES256' } });
    const result = await restoreTableBucketEncryption.execute(plan(), clients, { ...enforce, dryRun: true });
    expect(result.kind).toBe('dry-run');
    expect(sent(s3tables)).toEqual(['GetTableBucketEncryption']);
    expect(result.wouldCall).toEqual(plan().calls);
  });

  it('reports AccessDenied as a failure that a retry does not fix', async () => {
    s3tables.on(GetTableBucketEncryptionCommand).resolves({ encryptionConfiguration: { sseAlgorithm: 'AES256' } });
    s3tables.on(PutTableBucketEncryptionCommand).rejects(awsError('AccessDeniedException', 'User is not authorized to perform s3tables:PutTableBucketEncryption'));
    const result = await restoreTableBucketEncryption.execute(plan(), clients, enforce);
    expect(result).toMatchObject({ kind: 'failed', retryable: false, prior: { sseAlgorithm: 'AES256' } });
    expect(result.reason).toBe('AccessDeniedException: User is not authorized to perform s3tables:PutTableBucketEncryption');
  });

  it('marks throttling as retryable', async () => {
    s3tables.on(GetTableBucketEncryptionCommand).rejects(awsError('ThrottlingException', 'Rate exceeded', { $metadata: { httpStatusCode: 429 } }));
    const result = await restoreTableBucketEncryption.execute(plan(), clients, enforce);
    expect(result).toMatchObject({ kind: 'failed', retryable: true });
  });

  it('restores the policy key when the previous key is unknown or unapproved, and skips without one', () => {
    const withKey = policy({ tableBuckets: [{ match: 'sales-*', remediationKey: OTHER_KEY }] });
    expect(planOf(restoreTableBucketEncryption, finding({ previous: undefined }), withKey).calls[0]!.input).toMatchObject({ encryptionConfiguration: { kmsKeyArn: OTHER_KEY } });
    const strict = policy({ kms: { approvedKeys: [OTHER_KEY], remediationKey: OTHER_KEY } });
    expect(planOf(restoreTableBucketEncryption, finding(), strict).intent).toContain('policy remediationKey');
    expect(restoreTableBucketEncryption.plan(finding({ previous: { sseAlgorithm: 'aws:kms', kmsKeyArn: FOREIGN_KEY } }), policy())).toEqual({ skip: expect.stringContaining('no approved key to restore') });
    expect(restoreTableBucketEncryption.plan(finding({ previous: { sseAlgorithm: 'aws:kms', kmsKeyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:alias/lake` } }), policy())).toEqual({ skip: expect.stringContaining('no approved key') });
  });
});

describe('restore-bucket-encryption', () => {
  const bucketFinding = finding({ ruleId: 's3.bucket-encryption-removed', resources: [BUCKET], previous: { sseAlgorithm: 'aws:kms', kmsKeyArn: KEY, bucketKeyEnabled: true } });
  const restored = { ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' as const, KMSMasterKeyID: KEY }, BucketKeyEnabled: true }] } };

  it('sets SSE-KMS by key ARN with Bucket Keys on, only on the expected owner\'s bucket', async () => {
    s3.on(GetBucketEncryptionCommand).rejectsOnce(awsError('ServerSideEncryptionConfigurationNotFoundError', 'The server side encryption configuration was not found')).resolves(restored);
    const result = await restoreBucketEncryption.execute(planOf(restoreBucketEncryption, bucketFinding), clients, enforce);
    expect(result.kind).toBe('applied');
    expect(sent(s3)).toEqual(['GetBucketEncryption', 'PutBucketEncryption', 'GetBucketEncryption']);
    expect(s3.commandCalls(PutBucketEncryptionCommand)[0]!.args[0].input).toEqual({ Bucket: 'payroll-exports', ExpectedBucketOwner: ACCOUNT, ...restored });
    expect(s3.commandCalls(GetBucketEncryptionCommand)[0]!.args[0].input).toEqual({ Bucket: 'payroll-exports', ExpectedBucketOwner: ACCOUNT });
    expect(result.prior).toBeNull();
  });

  it('keeps the encryption types the bucket blocks (SSE-C stays blocked)', async () => {
    const blocked = { EncryptionType: ['SSE-C' as const] };
    s3.on(GetBucketEncryptionCommand)
      .resolvesOnce({ ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BlockedEncryptionTypes: blocked }] } })
      .resolves({ ServerSideEncryptionConfiguration: { Rules: [{ ...restored.ServerSideEncryptionConfiguration.Rules[0]!, BlockedEncryptionTypes: blocked }] } });
    const result = await restoreBucketEncryption.execute(planOf(restoreBucketEncryption, bucketFinding), clients, enforce);
    expect(result.kind).toBe('applied');
    expect(s3.commandCalls(PutBucketEncryptionCommand)[0]!.args[0].input.ServerSideEncryptionConfiguration!.Rules![0]!.BlockedEncryptionTypes).toEqual(blocked);
    const ledger = new Ledger();
    result.learn!(ledger, { time: 1, eventId: 'r' });
    expect(ledger.bucket(BUCKET)?.encryption).toEqual({ sseAlgorithm: 'aws:kms', kmsKeyArn: KEY, bucketKeyEnabled: true, blockedEncryptionTypes: ['SSE-C'] });
  });

  it('treats an alias or missing Bucket Keys as non-compliant, an approved key ARN with Bucket Keys as compliant', async () => {
    s3.on(GetBucketEncryptionCommand).resolvesOnce({ ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/payroll' }, BucketKeyEnabled: true }] } })
      .resolves(restored);
    expect((await restoreBucketEncryption.execute(planOf(restoreBucketEncryption, bucketFinding), clients, enforce)).kind).toBe('applied');
    s3.reset();
    s3.on(GetBucketEncryptionCommand).resolves(restored);
    const noop = await restoreBucketEncryption.execute(planOf(restoreBucketEncryption, bucketFinding), clients, enforce);
    expect(noop.kind).toBe('skipped');
    expect(sent(s3)).toEqual(['GetBucketEncryption']);
  });

  it('fails verification when the bucket reads back something else', async () => {
    s3.on(GetBucketEncryptionCommand).resolves({ ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } });
    const result = await restoreBucketEncryption.execute(planOf(restoreBucketEncryption, bucketFinding), clients, enforce);
    expect(result.kind).toBe('failed');
    expect(result.reason).toMatch(/^verification: /);
  });
});

describe('restore-bucket-sse-policy', () => {
  const policyFinding = finding({
    ruleId: 's3.sse-enforcement-removed', resources: [BUCKET],
    previous: { enforced: true, requiredKeys: [KEY], statements: ['DenyWrongKey'] }, current: { enforced: false, policy: 'deleted' },
  });
  const other = { Sid: 'AllowAnalytics', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/Analytics` }, Action: 's3:GetObject', Resource: `${BUCKET}/*` };

  it('re-adds the Deny statements and keeps every other statement as it is', async () => {
    let stored = JSON.stringify({ Version: '2012-10-17', Statement: [other] });
    s3.on(GetBucketPolicyCommand).callsFake(() => ({ Policy: stored }));
    s3.on(PutBucketPolicyCommand).callsFake((input: { Policy: string }) => { stored = input.Policy; return {}; });
    const result = await restoreBucketSsePolicy.execute(planOf(restoreBucketSsePolicy, policyFinding), clients, enforce);
    expect(result.kind).toBe('applied');
    expect(sent(s3)).toEqual(['GetBucketPolicy', 'PutBucketPolicy', 'GetBucketPolicy']);
    const written = JSON.parse(stored);
    expect(written.Statement[0]).toEqual(other);
    expect(written.Statement.map((s: { Sid: string }) => s.Sid)).toEqual(['AllowAnalytics', 'SseSentinelDenyNonKmsEncryption', 'SseSentinelDenyOtherKmsKeys']);
    expect(s3SseEnforcement(written)).toMatchObject({ enforced: true, requiredKeys: [KEY] });
    expect(s3.commandCalls(PutBucketPolicyCommand)[0]!.args[0].input.ExpectedBucketOwner).toBe(ACCOUNT);
  });

  it('writes a policy of its own statements when the bucket has none, and is idempotent', async () => {
    let stored: string | undefined;
    s3.on(GetBucketPolicyCommand).callsFake(() => {
      if (!stored) throw awsError('NoSuchBucketPolicy', 'The bucket policy does not exist');
      return { Policy: stored };
    });
    s3.on(PutBucketPolicyCommand).callsFake((input: { Policy: string }) => { stored = input.Policy; return {}; });
    const plan = planOf(restoreBucketSsePolicy, policyFinding);
    expect((await restoreBucketSsePolicy.execute(plan, clients, enforce)).kind).toBe('applied');
    const first = stored;
    const again = await restoreBucketSsePolicy.execute(plan, clients, enforce);
    expect(again.kind).toBe('skipped');
    expect(stored).toBe(first);
    expect(JSON.parse(first!).Statement).toHaveLength(2);
  });
});

describe('restore-table-bucket-sse-policy', () => {
  const tableFinding = finding({
    ruleId: 's3tables.sse-enforcement-removed',
    previous: { enforced: true, requiredKeys: [KEY], statements: ['DenyNonKmsTables'] }, current: { enforced: false, policy: 'deleted' },
  });
  const maintenance = { Sid: 'AllowMaintenance', Effect: 'Allow', Principal: { Service: 'maintenance.s3tables.amazonaws.com' }, Action: 's3tables:*', Resource: `${TABLE_BUCKET}/*` };

  it('re-adds the Deny statements for new tables, keeps every other statement, and verifies', async () => {
    let stored = JSON.stringify({ Version: '2012-10-17', Statement: [maintenance] });
    s3tables.on(GetTableBucketPolicyCommand).callsFake(() => ({ resourcePolicy: stored }));
    s3tables.on(PutTableBucketPolicyCommand).callsFake((input: { resourcePolicy: string }) => { stored = input.resourcePolicy; return {}; });
    const result = await restoreTableBucketSsePolicy.execute(planOf(restoreTableBucketSsePolicy, tableFinding), clients, enforce);
    expect(result.kind).toBe('applied');
    expect(sent(s3tables)).toEqual(['GetTableBucketPolicy', 'PutTableBucketPolicy', 'GetTableBucketPolicy']);
    const written = JSON.parse(stored);
    expect(written.Statement[0]).toEqual(maintenance);
    expect(s3TablesSseEnforcement(written)).toMatchObject({ enforced: true, requiredKeys: [KEY] });
    const ledger = new Ledger();
    result.learn!(ledger, { time: 1, eventId: 'r' });
    expect(ledger.policyEnforcement('table-bucket-policy', TABLE_BUCKET)).toMatchObject({ enforced: true, requiredKeys: [KEY] });
  });

  it('creates the policy when the table bucket has none, does nothing when it already enforces, and reports AccessDenied', async () => {
    s3tables.on(GetTableBucketPolicyCommand).rejects(awsError('NotFoundException', 'The specified table bucket policy does not exist'));
    const dry = await restoreTableBucketSsePolicy.execute(planOf(restoreTableBucketSsePolicy, tableFinding), clients, { ...enforce, dryRun: true });
    expect(dry).toMatchObject({ kind: 'dry-run', prior: null });
    expect(JSON.parse(dry.wouldCall![0]!.input['resourcePolicy'] as string).Statement.map((st: { Sid: string }) => st.Sid)).toEqual(['SseSentinelDenyNonKmsTables', 'SseSentinelDenyOtherKmsKeys']);
    s3tables.reset();
    const enforcing = JSON.parse(dry.wouldCall![0]!.input['resourcePolicy'] as string);
    s3tables.on(GetTableBucketPolicyCommand).resolves({ resourcePolicy: JSON.stringify(enforcing) });
    expect((await restoreTableBucketSsePolicy.execute(planOf(restoreTableBucketSsePolicy, tableFinding), clients, enforce)).kind).toBe('skipped');
    s3tables.reset();
    s3tables.on(GetTableBucketPolicyCommand).resolves({ resourcePolicy: JSON.stringify({ Version: '2012-10-17', Statement: [maintenance] }) });
    s3tables.on(PutTableBucketPolicyCommand).rejects(awsError('AccessDeniedException', 'not authorized'));
    expect(await restoreTableBucketSsePolicy.execute(planOf(restoreTableBucketSsePolicy, tableFinding), clients, enforce)).toMatchObject({ kind: 'failed', retryable: false });
  });
});

describe('cancel-key-deletion', () => {
  it('cancels, enables (the key was Enabled before), then verifies: CancelKeyDeletion → EnableKey → DescribeKey', async () => {
    kms.on(DescribeKeyCommand).resolvesOnce({ KeyMetadata: { KeyId: KEY, KeyState: 'PendingDeletion' } }).resolves({ KeyMetadata: { KeyId: KEY, KeyState: 'Enabled' } });
    const plan = planOf(cancelKeyDeletion, keyFinding('kms.key-deletion-scheduled', 'Enabled'));
    const result = await cancelKeyDeletion.execute(plan, clients, enforce);
    expect(result.kind).toBe('applied');
    expect(sent(kms)).toEqual(['DescribeKey', 'CancelKeyDeletion', 'EnableKey', 'DescribeKey']);
    expect(kms.commandCalls(CancelKeyDeletionCommand)[0]!.args[0].input).toEqual({ KeyId: KEY });
    expect(result).toMatchObject({ prior: { keyState: 'PendingDeletion' }, after: { keyState: 'Enabled' } });
  });

  it('leaves a key that was Disabled before disabled', async () => {
    kms.on(DescribeKeyCommand).resolvesOnce({ KeyMetadata: { KeyId: KEY, KeyState: 'PendingDeletion' } }).resolves({ KeyMetadata: { KeyId: KEY, KeyState: 'Disabled' } });
    const result = await cancelKeyDeletion.execute(planOf(cancelKeyDeletion, keyFinding('kms.key-deletion-scheduled', 'Disabled')), clients, enforce);
    expect(result.kind).toBe('applied');
    expect(sent(kms)).toEqual(['DescribeKey', 'CancelKeyDeletion', 'DescribeKey']);
  });

  it('takes data-key use as evidence the key was Enabled when the ledger never saw its state', () => {
    const used = keyFinding('kms.key-deletion-scheduled', undefined, {
      blastRadius: { keyArn: KEY, tableBuckets: { count: 1, arns: [TABLE_BUCKET] }, tables: { count: 0, arns: [] }, buckets: { count: 0, arns: [] }, lastUsed: { [TABLE_BUCKET]: '2025-01-10T09:00:00Z' } },
    });
    expect(planOf(cancelKeyDeletion, used).calls.map((c) => c.operation)).toEqual(['CancelKeyDeletion', 'EnableKey']);
    expect(planOf(cancelKeyDeletion, keyFinding('kms.key-deletion-scheduled')).calls.map((c) => c.operation)).toEqual(['CancelKeyDeletion']);
  });

  it('does nothing when the deletion was already cancelled and the key is Enabled', async () => {
    kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: KEY, KeyState: 'Enabled' } });
    const result = await cancelKeyDeletion.execute(planOf(cancelKeyDeletion, keyFinding('kms.key-deletion-scheduled', 'Enabled')), clients, enforce);
    expect(result).toMatchObject({ kind: 'skipped', reason: 'already compliant (key state Enabled)' });
    expect(sent(kms)).toEqual(['DescribeKey']);
  });

  it('after a partial success, a retry only enables the key', async () => {
    kms.on(DescribeKeyCommand).resolvesOnce({ KeyMetadata: { KeyId: KEY, KeyState: 'Disabled' } }).resolves({ KeyMetadata: { KeyId: KEY, KeyState: 'Enabled' } });
    const result = await cancelKeyDeletion.execute(planOf(cancelKeyDeletion, keyFinding('kms.key-deletion-scheduled', 'Enabled')), clients, enforce);
    expect(result.kind).toBe('applied');
    expect(sent(kms)).toEqual(['DescribeKey', 'EnableKey', 'DescribeKey']);
  });

  it('reports KMSInvalidStateException as a failure, without retry', async () => {
    kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: KEY, KeyState: 'PendingDeletion' } });
    kms.on(CancelKeyDeletionCommand).rejects(awsError('KMSInvalidStateException', `${KEY} is pending import.`));
    const result = await cancelKeyDeletion.execute(planOf(cancelKeyDeletion, keyFinding('kms.key-deletion-scheduled', 'Enabled')), clients, enforce);
    expect(result).toMatchObject({ kind: 'failed', retryable: false, reason: `KMSInvalidStateException: ${KEY} is pending import.` });
    expect(sent(kms)).toEqual(['DescribeKey', 'CancelKeyDeletion']);
  });

  it('acts only on protected keys: in the policy, or with a known blast radius', () => {
    const bare = keyFinding('kms.key-deletion-scheduled', 'Enabled', { blastRadius: undefined });
    expect(cancelKeyDeletion.plan(bare, policy())).toEqual({ skip: expect.stringContaining('neither in remediation.protectedKeys') });
    expect('plan' in cancelKeyDeletion.plan(bare, policy({ remediation: { protectedKeys: [`arn:aws:kms:*:${ACCOUNT}:key/*`] } }))).toBe(true);
    expect('plan' in cancelKeyDeletion.plan(keyFinding('kms.key-deletion-scheduled', 'Enabled'), policy())).toBe(true);
  });
});

describe('enable-key', () => {
  const plan = () => planOf(enableKey, keyFinding('kms.key-disabled'));

  it('enables a Disabled key and verifies it', async () => {
    kms.on(DescribeKeyCommand).resolvesOnce({ KeyMetadata: { KeyId: KEY, KeyState: 'Disabled' } }).resolves({ KeyMetadata: { KeyId: KEY, KeyState: 'Enabled' } });
    const result = await enableKey.execute(plan(), clients, enforce);
    expect(result.kind).toBe('applied');
    expect(sent(kms)).toEqual(['DescribeKey', 'EnableKey', 'DescribeKey']);
    expect(kms.commandCalls(EnableKeyCommand)[0]!.args[0].input).toEqual({ KeyId: KEY });
  });

  it('leaves an Enabled key alone and a key pending deletion to cancel-key-deletion', async () => {
    kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: KEY, KeyState: 'Enabled' } });
    expect((await enableKey.execute(plan(), clients, enforce)).reason).toBe('already compliant (key state Enabled)');
    kms.reset();
    kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: KEY, KeyState: 'PendingDeletion' } });
    const pending = await enableKey.execute(plan(), clients, enforce);
    expect(pending).toMatchObject({ kind: 'skipped', reason: 'key state is PendingDeletion: only a Disabled key is enabled' });
    expect(sent(kms)).toEqual(['DescribeKey']);
  });

  it('reports AccessDenied on EnableKey', async () => {
    kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: KEY, KeyState: 'Disabled' } });
    kms.on(EnableKeyCommand).rejects(awsError('AccessDeniedException', 'not authorized to perform: kms:EnableKey'));
    const result = await enableKey.execute(plan(), clients, enforce);
    expect(result).toMatchObject({ kind: 'failed', retryable: false });
    expect(sent(kms)).toEqual(['DescribeKey', 'EnableKey']);
  });
});
