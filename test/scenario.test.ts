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
    expect(pipeline.ledger.protectedBy(KEY_A)).toEqual({ keyArn: KEY_A, tableBuckets: [], tables: [customers] });
    expect(pipeline.ledger.protectedBy(KEY_B)).toEqual({ keyArn: KEY_B, tableBuckets: [], tables: [orders] });
  });

  it('the deletion finding carries key A\'s blast radius as it stood before the deletion', async () => {
    const { findings, pipeline } = await replayFiles([SCENARIO]);
    const customers = pipeline.ledger.tableArnByName(BUCKET, 'sales', 'customers');
    expect(findings[0]?.blastRadius).toEqual({ keyArn: KEY_A, tableBuckets: { count: 1, arns: [BUCKET] }, tables: { count: 1, arns: [customers] } });
  });

  it('a duplicate delivery of the same events produces nothing more', async () => {
    const { findings } = await replayFiles([SCENARIO, SCENARIO]);
    expect(findings).toHaveLength(2);
  });
});
