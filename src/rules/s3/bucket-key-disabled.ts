import type { Rule, RuleDocs } from '../rule.js';
import { plain, putBucketEncryption, S3_BUCKET_KEY_DOCS, S3_SOURCE } from './common.js';

export const s3BucketKeyDisabled: Rule = {
  id: 's3.bucket-key-disabled',
  title: 'S3 bucket uses SSE-KMS without S3 Bucket Keys (cost advisory)',
  severity: 'LOW',
  runbook: ['1. Turn Bucket Keys on: repeat the put-bucket-encryption call with "BucketKeyEnabled": true (existing objects keep their data keys).'].join('\n'),
  triggers: [{ eventSource: S3_SOURCE, eventNames: ['PutBucketEncryption'] }],
  match(event) {
    const put = putBucketEncryption(event);
    if (!put || put.requested.sseAlgorithm !== 'aws:kms' || put.requested.bucketKeyEnabled === true) return [];
    return [{ summary: 'SSE-KMS without S3 Bucket Keys: every object write and read is a KMS request (up to 99% avoidable)', resources: [put.bucketArn], current: plain(put.requested) }];
  },
};

export const s3BucketKeyDisabledDocs: RuleDocs = {
  description:
    'SSE-KMS without BucketKeyEnabled makes one KMS request per object write and read. S3 Bucket Keys cut those requests by up to 99% ' +
    '(and the KMS cost and throttling risk with them). Note that with Bucket Keys the encryption context is the bucket ARN, not the object ARN.',
  references: [S3_BUCKET_KEY_DOCS],
  fixtures: { positive: ['s3/PutBucketEncryption.alias.json'], negative: ['s3/PutBucketEncryption.kms-rule-array.json'] },
};
