import { describeBucketEncryption } from '../../correlate/s3.js';
import type { Rule, RuleDocs } from '../rule.js';
import { CIS_S3_ENCRYPTION, isKmsAlgorithm, plain, putBucketEncryption, S3_DEFAULT_ENCRYPTION_DOCS, S3_SOURCE } from './common.js';

export const s3BucketEncryptionWeakened: Rule = {
  id: 's3.bucket-encryption-weakened',
  title: 'S3 bucket default encryption weakened to SSE-S3',
  severity: 'HIGH',
  runbook: [
    '1. Restore SSE-KMS with the bucket\'s key, by ARN, with BucketKeyEnabled: true (see s3.bucket-encryption-removed).',
    '2. Re-encrypt objects written since the change.',
  ].join('\n'),
  triggers: [{ eventSource: S3_SOURCE, eventNames: ['PutBucketEncryption'] }],
  match(event, { ledger, policy }) {
    const put = putBucketEncryption(event);
    if (!put || isKmsAlgorithm(put.requested.sseAlgorithm)) return [];
    const previous = ledger.bucket(put.bucketArn)?.encryption;
    const required = policy.forBucket(put.bucketArn).requireKms;
    if (!isKmsAlgorithm(previous?.sseAlgorithm) && !required) return [];
    const why = isKmsAlgorithm(previous?.sseAlgorithm) ? `was ${describeBucketEncryption(previous)}` : 'the policy requires SSE-KMS for this bucket';
    return [{
      summary: `default encryption set to ${describeBucketEncryption(put.requested)} (${why})`,
      resources: [put.bucketArn],
      ...(previous ? { previous } : {}),
      current: plain(put.requested),
      ...(previous?.kmsKeyArn ? { keyArn: previous.kmsKeyArn } : {}),
    }];
  },
};

export const s3BucketEncryptionWeakenedDocs: RuleDocs = {
  description: 'PutBucketEncryption set SSE-S3 (AES256) on a bucket that had SSE-KMS, or that the policy requires to use SSE-KMS.',
  references: [CIS_S3_ENCRYPTION, S3_DEFAULT_ENCRYPTION_DOCS],
  fixtures: { positive: ['s3/PutBucketEncryption.weakened-after-kms.json'], negative: ['s3/PutBucketEncryption.kms-rule-array.json', 's3/PutBucketEncryption.sse-s3-first-seen.json'] },
};
