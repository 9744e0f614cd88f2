import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { policyFromInput } from '../../src/policy/load.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENTS, examplePolicy, replayFiles } from '../helpers.js';

const KEY_A = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const fixture = (name: string) => join(EVENTS, 's3tables', name);

describe('S3 Tables rules in detail', () => {
  it('bucket-encryption-removed carries the previous configuration and the key blast radius', async () => {
    const { findings } = await replayFiles([fixture('DeleteTableBucketEncryption.after-kms.json')]);
    expect(findings).toEqual([expect.objectContaining({
      ruleId: 's3tables.bucket-encryption-removed',
      severity: 'HIGH',
      resources: ['arn:aws:s3tables:us-east-1:111122223333:bucket/marketing-lake'],
      previous: { sseAlgorithm: 'aws:kms', kmsKeyArn: KEY_A },
      current: { sseAlgorithm: 'AES256' },
      keyArn: KEY_A,
      blastRadius: { keyArn: KEY_A, tableBuckets: { count: 1, arns: ['arn:aws:s3tables:us-east-1:111122223333:bucket/marketing-lake'] }, tables: { count: 0, arns: [] }, buckets: { count: 0, arns: [] } },
      principal: 'arn:aws:iam::111122223333:user/mallory',
    })]);
  });

  it('a key of an untrusted account is CRITICAL; trusting the account silences it', async () => {
    const { findings } = await replayFiles([fixture('PutTableBucketEncryption.foreign-key.json')]);
    expect(findings.map((f) => [f.ruleId, f.severity])).toEqual([['s3tables.bucket-key-unapproved', 'CRITICAL']]);
    const trusted = await replayFiles([fixture('PutTableBucketEncryption.foreign-key.json')], policyFromInput({ trustedAccounts: ['444455556666'] }));
    expect(trusted.findings).toEqual([]);
  });

  it('a same-account key outside the approved set is HIGH', async () => {
    const policy = policyFromInput({ kms: { approvedKeys: ['arn:aws:kms:*:111122223333:key/0987dcba-*'] } });
    const { findings } = await replayFiles([fixture('CreateTableBucket.kms.json')], policy);
    expect(findings.map((f) => [f.ruleId, f.severity])).toEqual([['s3tables.bucket-key-unapproved', 'HIGH']]);
  });

  it('table-created-without-kms is MEDIUM when the bucket default is unknown and KMS is required', async () => {
    const policy = policyFromInput({ kms: { required: true } });
    const { findings } = await replayFiles([fixture('CreateTable.conflict.json'), join(EVENTS, 'scenarios/table-bucket-lifecycle/05-CreateTable.after-removal.json')], policy);
    expect(findings.map((f) => [f.ruleId, f.severity])).toEqual([['s3tables.table-created-without-kms', 'MEDIUM']]);
  });

  it('per-rule settings from the policy turn rules off and override severity', async () => {
    const off = policyFromInput({ rules: { 's3tables.encryption-config-read': { enabled: false } } });
    expect((await replayFiles([fixture('GetTableBucketEncryption.json')], off)).findings).toEqual([]);
    const louder = policyFromInput({ rules: { 's3tables.encryption-config-read': { severity: 'LOW' } } });
    expect((await replayFiles([fixture('GetTableBucketEncryption.json')], louder)).findings[0]?.severity).toBe('LOW');
  });

  it('kms-access-denied correlates the maintenance call to the table and table bucket', async () => {
    const { findings } = await replayFiles([join(EVENTS, 'kms/GenerateDataKey.s3tables-maintenance-denied.json')], await examplePolicy());
    expect(findings[0]?.resources).toEqual([
      expect.stringMatching(/^arn:aws:s3tables:us-east-1:111122223333:bucket\/analytics-lake\/table\//),
      'arn:aws:s3tables:us-east-1:111122223333:bucket/analytics-lake',
      'arn:aws:kms:us-east-1:111122223333:key/0987dcba-09fe-87dc-65ba-ab0987654321',
    ]);
  });

  it('resolves a bare key id in the caller\'s account before judging it', async () => {
    const text = JSON.parse(await readFile(fixture('CreateTable.foreign-key.json'), 'utf8'));
    text.detail.requestParameters.encryptionConfiguration.kmsKeyArn = 'f00dbabe-1111-2222-3333-444455556666';
    text.detail.eventID = 'bare-key-id';
    const path = join(await mkdtemp(join(tmpdir(), 'sse-sentinel-rule-')), 'bare.json');
    await writeFile(path, JSON.stringify(text));
    const { findings, pipeline } = await replayFiles([path]);
    expect(findings).toEqual([]);
    const table = pipeline.ledger.all().find((entry) => entry.kind === 'table');
    expect(table && 'encryption' in table ? table.encryption?.kmsKeyArn : undefined).toBe('arn:aws:kms:us-east-1:111122223333:key/f00dbabe-1111-2222-3333-444455556666');
  });
});
