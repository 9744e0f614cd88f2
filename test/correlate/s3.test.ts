import { describe, expect, it } from 'vitest';
import { bucketArnOf, bucketEncryptionOf, bucketPolicyOf, objectArnOf } from '../../src/correlate/s3.js';
import { normalizeValue } from '../../src/events/normalize.js';
import type { CloudTrailEvent } from '../../src/events/types.js';
import { record } from '../helpers.js';

function s3Event(requestParameters: Record<string, unknown>, overrides: Record<string, unknown> = {}): CloudTrailEvent {
  const [item] = normalizeValue(record({ eventSource: 's3.amazonaws.com', eventName: 'PutBucketEncryption', requestParameters, ...overrides }), { source: 'test' });
  if (item?.kind !== 'event') throw new Error('not an event');
  return item.event;
}
const KEY = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const byDefault = (extra: Record<string, unknown> = {}) => ({ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KEY }, ...extra });

describe('bucketEncryptionOf', () => {
  it('reads Rule as an object with xmlns, and as an array', () => {
    const expected = { sseAlgorithm: 'aws:kms', kmsKeyArn: KEY, bucketKeyEnabled: true };
    expect(bucketEncryptionOf(s3Event({ bucketName: 'b', ServerSideEncryptionConfiguration: { xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/', Rule: byDefault({ BucketKeyEnabled: true }) } }))).toMatchObject(expected);
    expect(bucketEncryptionOf(s3Event({ bucketName: 'b', ServerSideEncryptionConfiguration: { Rule: [byDefault({ BucketKeyEnabled: 'true' })] } }))).toMatchObject(expected);
  });

  it('reads the SDK shape Rules, BucketKeyEnabled as a string, and BlockedEncryptionTypes as a string or list', () => {
    const parsed = bucketEncryptionOf(s3Event({ bucketName: 'b', ServerSideEncryptionConfiguration: { Rules: [byDefault({ BucketKeyEnabled: 'false', BlockedEncryptionTypes: { EncryptionType: 'SSE-C' } })] } }));
    expect(parsed).toMatchObject({ bucketKeyEnabled: false, blockedEncryptionTypes: ['SSE-C'] });
    const none = bucketEncryptionOf(s3Event({ bucketName: 'b', ServerSideEncryptionConfiguration: { Rule: byDefault({ BlockedEncryptionTypes: { EncryptionType: ['NONE'] } }) } }));
    expect(none?.blockedEncryptionTypes).toEqual([]);
  });

  it('resolves a key alias in the requester\'s account and keeps how it was named', () => {
    const parsed = bucketEncryptionOf(s3Event({ bucketName: 'b', ServerSideEncryptionConfiguration: { Rule: { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/data' } } } }));
    expect(parsed?.kmsKeyArn).toBe('arn:aws:kms:us-east-1:111122223333:alias/data');
    expect(parsed?.keyRef?.kind).toBe('alias');
  });

  it('returns undefined without a configuration', () => {
    expect(bucketEncryptionOf(s3Event({ bucketName: 'b', encryption: '' }))).toBeUndefined();
  });
});

describe('bucketArnOf and bucketPolicyOf', () => {
  it('finds the bucket from bucketName or resources', () => {
    expect(bucketArnOf(s3Event({ bucketName: 'data' }))).toBe('arn:aws:s3:::data');
    expect(bucketArnOf(s3Event({}, { resources: [{ type: 'AWS::S3::Object', ARN: 'arn:aws:s3:::data/k' }, { type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::data' }] }))).toBe('arn:aws:s3:::data');
  });

  it('names the bucket and object in the event\'s partition (China, GovCloud), as KMS encryption contexts there do', () => {
    expect(bucketArnOf(s3Event({ bucketName: 'data' }, { awsRegion: 'cn-north-1' }))).toBe('arn:aws-cn:s3:::data');
    expect(bucketArnOf(s3Event({ bucketName: 'data' }, { awsRegion: 'us-gov-west-1' }))).toBe('arn:aws-us-gov:s3:::data');
    expect(objectArnOf(s3Event({ bucketName: 'data', key: 'a/b.parquet' }, { awsRegion: 'cn-northwest-1', eventName: 'PutObject' }))).toBe('arn:aws-cn:s3:::data/a/b.parquet');
  });

  it('reads the policy from bucketPolicy (object) or a JSON string, ignoring the empty sub-resource marker', () => {
    expect(bucketPolicyOf(s3Event({ bucketName: 'b', bucketPolicy: { Statement: [{ Effect: 'Deny' }] }, policy: [''] })).ok).toBe(true);
    expect(bucketPolicyOf(s3Event({ bucketName: 'b', policy: '{"Statement":[{"Effect":"Deny"}]}' })).ok).toBe(true);
    expect(bucketPolicyOf(s3Event({ bucketName: 'b', policy: '' }))).toEqual({ ok: false, reason: 'the event carries no bucket policy' });
  });
});
