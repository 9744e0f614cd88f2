import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENTS, examplePolicy, replayFiles } from './helpers.js';

const SCENARIO = join(EVENTS, 'scenarios', 'table-bucket-lifecycle');
const BUCKET = 'arn:aws:s3tables:us-east-1:111122223333:bucket/analytics';
const KEY_A = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const KEY_B = 'arn:aws:kms:us-east-1:111122223333:key/0987dcba-09fe-87dc-65ba-ab0987654321';

describe('scenario: table bucket lifecycle', () => {
  it('fires exactly bucket-encryption-removed and table-created-without-kms, naming the right ARNs', async () => {
    const { findings, pipeline } = await replayFiles([SCENARIO], await examplePolicy());
    const third = findings.find((f) => f.ruleId === 's3tables.table-created-without-kms');
    expect(findings.map((f) => f.ruleId)).toEqual(['s3tables.bucket-encryption-removed', 's3tables.table-created-without-kms']);
    expect(findings[0]).toMatchObject({ resources: [BUCKET], previous: { sseAlgorithm: 'aws:kms', kmsKeyArn: KEY_A }, eventName: 'DeleteTableBucketEncryption' });
    const refunds = pipeline.ledger.tableArnByName(BUCKET, 'sales', 'refunds');
    expect(refunds).toMatch(new RegExp(`^${BUCKET}/table/`));
    expect(third?.resources).toEqual([refunds, BUCKET]);

    // the ledger knows what key A protects: the bucket no longer (its default was removed), the inheriting table still
    const customers = pipeline.ledger.tableArnByName(BUCKET, 'sales', 'customers');
    const orders = pipeline.ledger.tableArnByName(BUCKET, 'sales', 'orders');
    expect(pipeline.ledger.protectedBy(KEY_A)).toEqual({ keyArn: KEY_A, tableBuckets: [], tables: [customers], buckets: [] });
    expect(pipeline.ledger.protectedBy(KEY_B)).toEqual({ keyArn: KEY_B, tableBuckets: [], tables: [orders], buckets: [] });
  });

  it('the deletion finding carries key A\'s blast radius as it stood before the deletion', async () => {
    const { findings, pipeline } = await replayFiles([SCENARIO]);
    const customers = pipeline.ledger.tableArnByName(BUCKET, 'sales', 'customers');
    expect(findings[0]?.blastRadius).toEqual({ keyArn: KEY_A, tableBuckets: { count: 1, arns: [BUCKET] }, tables: { count: 1, arns: [customers] }, buckets: { count: 0, arns: [] } });
  });

  it('a duplicate delivery of the same events produces nothing more', async () => {
    const { findings } = await replayFiles([SCENARIO, SCENARIO]);
    expect(findings).toHaveLength(2);
  });
});

describe('scenario: key blast radius', () => {
  const SCENARIO_KEY = join(EVENTS, 'scenarios', 'key-blast-radius');
  const KEY_C = 'arn:aws:kms:us-east-1:111122223333:key/c0ffee00-1111-4222-8333-444455556666';

  it('a deletion of a key protecting 2 table buckets, 5 tables and 3 buckets is CRITICAL and lists exactly them', async () => {
    const { findings, pipeline } = await replayFiles([SCENARIO_KEY], await examplePolicy());
    const deletion = findings.find((f) => f.ruleId === 'kms.key-deletion-scheduled');
    expect(deletion?.severity).toBe('CRITICAL');
    expect(deletion?.summary).toContain('it protects 2 table buckets, 5 tables, 3 buckets');
    const tables = ['alerts', 'cases'].map((t) => pipeline.ledger.tableArnByName('arn:aws:s3tables:us-east-1:111122223333:bucket/fraud-lake', 'core', t))
      .concat(['exposures', 'limits', 'positions'].map((t) => pipeline.ledger.tableArnByName('arn:aws:s3tables:us-east-1:111122223333:bucket/risk-lake', 'core', t)));
    expect(deletion?.blastRadius).toEqual({
      keyArn: KEY_C,
      tableBuckets: { count: 2, arns: ['arn:aws:s3tables:us-east-1:111122223333:bucket/fraud-lake', 'arn:aws:s3tables:us-east-1:111122223333:bucket/risk-lake'] },
      tables: { count: 5, arns: [...tables].sort() },
      buckets: { count: 3, arns: ['arn:aws:s3:::fraud-evidence', 'arn:aws:s3:::model-artifacts', 'arn:aws:s3:::risk-reports'] },
    });
  });

  it('after CancelKeyDeletion the ledger shows the key disabled, not enabled', async () => {
    const { findings, pipeline } = await replayFiles([SCENARIO_KEY]);
    expect(findings.at(-1)).toMatchObject({ ruleId: 'kms.key-recovered', summary: expect.stringContaining('Disabled') });
    expect(pipeline.ledger.key(KEY_C)?.state).toBe('Disabled');
  });

  it('the same key without known resources is only HIGH', async () => {
    const { findings } = await replayFiles([join(EVENTS, 'kms/ScheduleKeyDeletion.json')]);
    expect(findings.map((f) => [f.ruleId, f.severity])).toEqual([['kms.key-deletion-scheduled', 'HIGH']]);
  });
});

describe('blast radius with key usage', () => {
  it('a key disabled after data-key calls says when each resource last used it', async () => {
    const { mkdtemp, readFile, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const KEY_U = 'arn:aws:kms:us-east-1:111122223333:key/ef56ef56-1111-4222-8333-444455556666';
    const disable = JSON.parse(await readFile(join(EVENTS, 'kms/DisableKey.json'), 'utf8'));
    Object.assign(disable.detail, { eventID: 'disable-used-key', eventTime: '2025-01-10T15:00:00Z', requestParameters: { keyId: KEY_U }, responseElements: { keyId: KEY_U }, resources: [{ ARN: KEY_U, type: 'AWS::KMS::Key' }] });
    const path = join(await mkdtemp(join(tmpdir(), 'sse-sentinel-usage-')), 'disable.json');
    await writeFile(path, JSON.stringify(disable));
    const { findings } = await replayFiles([join(EVENTS, 'scenarios/decrypt-spike'), path]);
    const disabled = findings.find((f) => f.ruleId === 'kms.key-disabled');
    expect(disabled?.blastRadius?.lastUsed).toEqual({ 'arn:aws:s3:::customer-data': '2025-01-10T12:39:40Z' });
  });
});
