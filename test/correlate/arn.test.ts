import { describe, expect, it } from 'vitest';
import { normalizeKeyRef, parseS3Arn, parseS3TablesArn, tableBucketArn } from '../../src/correlate/arn.js';

const BUCKET = 'arn:aws:s3tables:us-east-1:111122223333:bucket/analytics';

describe('S3 Tables ARNs', () => {
  it('reads table bucket and table ARNs, plain or URL-encoded, with object paths', () => {
    expect(parseS3TablesArn(BUCKET)).toMatchObject({ bucketName: 'analytics', bucketArn: BUCKET, accountId: '111122223333' });
    expect(parseS3TablesArn(encodeURIComponent(BUCKET))?.bucketArn).toBe(BUCKET);
    expect(parseS3TablesArn(`${BUCKET}/table/7ff7750e-23b3-481e-a90a-7d87d423d336/data/x.parquet`)).toMatchObject({
      bucketArn: BUCKET, tableId: '7ff7750e-23b3-481e-a90a-7d87d423d336', tableArn: `${BUCKET}/table/7ff7750e-23b3-481e-a90a-7d87d423d336`,
    });
  });

  it('reads the table of an object path whatever the bucket is called, even "table"', () => {
    const bucket = 'arn:aws:s3tables:us-east-1:111122223333:bucket/table';
    expect(parseS3TablesArn(`${bucket}/table/t-1/metadata/00001.json`)).toMatchObject({ bucketName: 'table', bucketArn: bucket, tableId: 't-1', tableArn: `${bucket}/table/t-1` });
    expect(parseS3TablesArn(`${bucket}/table/t-1`)?.tableArn).toBe(`${bucket}/table/t-1`);
    expect(parseS3TablesArn(`${bucket}/table`)?.tableArn).toBeUndefined();
  });

  it('rejects other services and shapes', () => {
    expect(parseS3TablesArn('arn:aws:s3:::analytics')).toBeUndefined();
    expect(parseS3TablesArn('arn:aws:s3tables:us-east-1:111122223333:namespace/x')).toBeUndefined();
    expect(parseS3TablesArn('analytics')).toBeUndefined();
  });

  it('builds with the partition of the region', () => {
    expect(tableBucketArn('cn-north-1', '111122223333', 'b')).toBe('arn:aws-cn:s3tables:cn-north-1:111122223333:bucket/b');
  });
});

describe('S3 ARNs', () => {
  it('splits bucket and key', () => {
    expect(parseS3Arn('arn:aws:s3:::bucket/path/to/object')).toEqual({ bucket: 'bucket', bucketArn: 'arn:aws:s3:::bucket', key: 'path/to/object', objectArn: 'arn:aws:s3:::bucket/path/to/object' });
    expect(parseS3Arn('arn:aws:s3:::bucket')).toEqual({ bucket: 'bucket', bucketArn: 'arn:aws:s3:::bucket' });
  });
});

describe('normalizeKeyRef', () => {
  const context = { region: 'eu-west-1', accountId: '111122223333' };
  it('keeps key ARNs, with their own account', () => {
    expect(normalizeKeyRef('arn:aws:kms:us-east-1:444455556666:key/mrk-1234abcd12ab34cd56ef1234567890ab', context)).toMatchObject({ kind: 'key-arn', accountId: '444455556666' });
  });
  it('resolves bare key ids and aliases in the caller\'s account and region', () => {
    expect(normalizeKeyRef('1234ABCD-12ab-34cd-56ef-1234567890ab', context)).toMatchObject({ kind: 'key-id', keyArn: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' });
    expect(normalizeKeyRef('alias/data', context)).toMatchObject({ kind: 'alias', aliasArn: 'arn:aws:kms:eu-west-1:111122223333:alias/data' });
    expect(normalizeKeyRef('arn:aws:kms:eu-west-1:444455556666:alias/data', context)).toMatchObject({ kind: 'alias-arn', accountId: '444455556666' });
  });
  it('says unknown for anything else', () => {
    expect(normalizeKeyRef('not-a-key', context)?.kind).toBe('unknown');
    expect(normalizeKeyRef('', context)).toBeUndefined();
  });
});
