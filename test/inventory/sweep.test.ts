import {
  DescribeKeyCommand, KMSClient, ListAliasesCommand, ListKeysCommand,
} from '@aws-sdk/client-kms';
import { GetBucketEncryptionCommand, GetBucketPolicyCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import {
  GetTableBucketEncryptionCommand, GetTableEncryptionCommand, ListNamespacesCommand, ListTableBucketsCommand, ListTablesCommand, S3TablesClient,
} from '@aws-sdk/client-s3tables';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/correlate/ledger.js';
import { InventorySweep } from '../../src/inventory/sweep.js';
import { normalizeValue } from '../../src/events/normalize.js';
import { record } from '../helpers.js';

const ACCOUNT = '111122223333';
const KEY_A = `arn:aws:kms:us-east-1:${ACCOUNT}:key/aaaaaaaa-0000-4000-8000-000000000001`;
const KEY_B = `arn:aws:kms:us-east-1:${ACCOUNT}:key/bbbbbbbb-0000-4000-8000-000000000002`;
const LAKE = `arn:aws:s3tables:us-east-1:${ACCOUNT}:bucket/lake`;
const OTHER = `arn:aws:s3tables:us-east-1:${ACCOUNT}:bucket/other`;
const s3tables = mockClient(S3TablesClient);
const s3 = mockClient(S3Client);
const kms = mockClient(KMSClient);
const NOW = Date.parse('2025-01-10T09:00:00Z');
const noSleep = { sleep: async () => {}, random: () => 0 };
const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
const denied = Object.assign(new Error('Access Denied'), { name: 'AccessDeniedException' });

beforeEach(() => {
  s3tables.reset();
  s3.reset();
  kms.reset();
  // two pages of table buckets
  s3tables.on(ListTableBucketsCommand, {}).resolves({ tableBuckets: [{ arn: LAKE, name: 'lake', ownerAccountId: ACCOUNT, createdAt: new Date() }], continuationToken: 'page2' } as never);
  s3tables.on(ListTableBucketsCommand, { continuationToken: 'page2' }).resolves({ tableBuckets: [{ arn: OTHER, name: 'other', ownerAccountId: ACCOUNT, createdAt: new Date() }] } as never);
  s3tables.on(GetTableBucketEncryptionCommand, { tableBucketARN: LAKE }).rejectsOnce(throttled).resolves({ encryptionConfiguration: { sseAlgorithm: 'aws:kms', kmsKeyArn: KEY_A } });
  s3tables.on(GetTableBucketEncryptionCommand, { tableBucketARN: OTHER }).rejects(denied);
  s3tables.on(ListNamespacesCommand, { tableBucketARN: LAKE }).resolves({ namespaces: [{ namespace: ['sales'], createdAt: new Date(), createdBy: ACCOUNT, ownerAccountId: ACCOUNT }] } as never);
  s3tables.on(ListNamespacesCommand, { tableBucketARN: OTHER }).resolves({ namespaces: [] });
  s3tables.on(ListTablesCommand).resolves({ tables: [{ namespace: ['sales'], name: 'orders', tableARN: `${LAKE}/table/t-1`, createdAt: new Date(), modifiedAt: new Date() }] } as never);
  s3tables.on(GetTableEncryptionCommand).resolves({ encryptionConfiguration: { sseAlgorithm: 'aws:kms', kmsKeyArn: KEY_B } });
  s3.on(ListBucketsCommand).resolves({ Buckets: [{ Name: 'reports' }, { Name: 'plain' }] });
  s3.on(GetBucketEncryptionCommand, { Bucket: 'reports' }).resolves({ ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KEY_A }, BucketKeyEnabled: true }] } });
  s3.on(GetBucketEncryptionCommand, { Bucket: 'plain' }).rejects(Object.assign(new Error('none'), { name: 'ServerSideEncryptionConfigurationNotFoundError' }));
  s3.on(GetBucketPolicyCommand, { Bucket: 'reports' }).resolves({ Policy: JSON.stringify({ Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::reports/*', Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption-aws-kms-key-id': KEY_A } } }] }) });
  s3.on(GetBucketPolicyCommand, { Bucket: 'plain' }).rejects(Object.assign(new Error('none'), { name: 'NoSuchBucketPolicy' }));
  kms.on(ListKeysCommand).resolves({ Keys: [{ KeyId: 'a', KeyArn: KEY_A }, { KeyId: 'b', KeyArn: KEY_B }] });
  kms.on(DescribeKeyCommand, { KeyId: KEY_A }).resolves({ KeyMetadata: { KeyId: 'a', Arn: KEY_A, KeyState: 'Enabled', Origin: 'AWS_KMS' } });
  kms.on(DescribeKeyCommand, { KeyId: KEY_B }).resolves({ KeyMetadata: { KeyId: 'b', Arn: KEY_B, KeyState: 'PendingDeletion', DeletionDate: new Date('2025-02-01T00:00:00Z'), Origin: 'AWS_KMS' } });
  kms.on(ListAliasesCommand).resolves({ Aliases: [{ AliasName: 'alias/lake', AliasArn: `arn:aws:kms:us-east-1:${ACCOUNT}:alias/lake`, TargetKeyId: 'aaaaaaaa-0000-4000-8000-000000000001' }, { AliasName: 'alias/aws/s3', AliasArn: `arn:aws:kms:us-east-1:${ACCOUNT}:alias/aws/s3` }] });
});

function sweep(ledger: Ledger) {
  return new InventorySweep({ s3tables: new S3TablesClient({}), s3: new S3Client({}), kms: new KMSClient({}) }, ledger, { nowMs: NOW, ...noSleep }).run();
}

describe('inventory sweep', () => {
  it('names buckets in its client\'s partition: China and GovCloud buckets as their events and encryption contexts do', async () => {
    const ledger = new Ledger();
    await new InventorySweep({ s3: new S3Client({ region: 'cn-north-1' }) }, ledger, { nowMs: NOW, ...noSleep }).run();
    expect(ledger.bucket('arn:aws-cn:s3:::reports')?.encryption).toMatchObject({ sseAlgorithm: 'aws:kms', kmsKeyArn: KEY_A });
    expect(ledger.bucket('arn:aws:s3:::reports')).toBeUndefined();
  });

  it('seeds the ledger across pages, retrying throttling and recording per-resource errors without stopping', async () => {
    const ledger = new Ledger();
    const report = await sweep(ledger);
    expect(report).toMatchObject({ tableBuckets: 2, tables: 1, buckets: 2, keys: 2, aliases: 1 });
    expect(report.errors).toEqual([{ resource: OTHER, operation: 'GetTableBucketEncryption', error: 'AccessDeniedException: Access Denied' }]);
    expect(s3tables.commandCalls(GetTableBucketEncryptionCommand, { tableBucketARN: LAKE })).toHaveLength(2);
    expect(ledger.protectedBy(KEY_A)).toEqual({ keyArn: KEY_A, tableBuckets: [LAKE], tables: [], buckets: ['arn:aws:s3:::reports'] });
    expect(ledger.protectedBy(KEY_B).tables).toEqual([`${LAKE}/table/t-1`]);
    expect(ledger.key(KEY_B)).toMatchObject({ state: 'PendingDeletion', deletionDate: Date.parse('2025-02-01T00:00:00Z') });
    expect(ledger.resolveAlias(`arn:aws:kms:us-east-1:${ACCOUNT}:alias/lake`)).toBe(KEY_A);
    expect(ledger.bucket('arn:aws:s3:::plain')?.encryption).toEqual({ sseAlgorithm: 'AES256' });
    expect(ledger.policyEnforcement('bucket-policy', 'arn:aws:s3:::reports')).toMatchObject({ enforced: true, requiredKeys: [KEY_A] });
    expect(ledger.tableArnByName(LAKE, 'sales', 'orders')).toBe(`${LAKE}/table/t-1`);
  });

  it('gives up on a resource that stays throttled, and reports it', async () => {
    kms.on(DescribeKeyCommand, { KeyId: KEY_A }).rejects(throttled);
    const report = await sweep(new Ledger());
    expect(report.errors).toContainEqual({ resource: KEY_A, operation: 'DescribeKey', error: 'ThrottlingException: Rate exceeded' });
    expect(kms.commandCalls(DescribeKeyCommand, { KeyId: KEY_A })).toHaveLength(6);
  });

  it('lets later events update what it seeded, and ignores events older than the sweep', async () => {
    const ledger = new Ledger();
    await sweep(ledger);
    const change = (time: string, id: string) => {
      const [item] = normalizeValue(record({ eventID: id, eventTime: time, eventName: 'DeleteTableBucketEncryption', requestParameters: { tableBucketARN: LAKE } }), { source: 't' });
      if (item?.kind === 'event') ledger.apply(item.event);
    };
    change('2025-01-10T08:00:00Z', 'before-sweep');
    expect(ledger.tableBucket(LAKE)?.encryption).toEqual({ sseAlgorithm: 'aws:kms', kmsKeyArn: KEY_A });
    change('2025-01-10T10:00:00Z', 'after-sweep');
    expect(ledger.tableBucket(LAKE)?.encryption).toEqual({ sseAlgorithm: 'AES256' });
  });
});
