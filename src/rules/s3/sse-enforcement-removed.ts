import { s3SseEnforcement } from '../../correlate/policy-analysis.js';
import { bucketArnOf, bucketPolicyOf } from '../../correlate/s3.js';
import { judgeEnforcement } from '../enforcement.js';
import type { Rule, RuleDocs } from '../rule.js';
import { S3_SOURCE } from './common.js';

export const s3SseEnforcementRemoved: Rule = {
  id: 's3.sse-enforcement-removed',
  title: 'S3 bucket policy no longer enforces SSE-KMS',
  severity: 'HIGH',
  runbook: [
    '1. Get the current policy: aws s3api get-bucket-policy --bucket <name>.',
    '2. Add back a statement: {"Sid":"DenyNonKmsWrites","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::<name>/*",' +
      '"Condition":{"StringNotEquals":{"s3:x-amz-server-side-encryption-aws-kms-key-id":"<key ARN>"}}} and put the policy.',
    '3. Check object writes since the change for other encryption (s3.sse-c-write, S3 Inventory encryption status).',
  ].join('\n'),
  triggers: [{ eventSource: S3_SOURCE, eventNames: ['PutBucketPolicy', 'DeleteBucketPolicy'] }],
  match(event, { ledger, policy }) {
    if (event.errorCode) return [];
    const bucketArn = bucketArnOf(event);
    if (!bucketArn) return [];
    let next: ReturnType<typeof s3SseEnforcement> | 'deleted' = 'deleted';
    if (event.eventName === 'PutBucketPolicy') {
      const parsed = bucketPolicyOf(event);
      if (!parsed.ok) return [];
      next = s3SseEnforcement(parsed.document);
    }
    return judgeEnforcement(bucketArn, ledger.policyEnforcement('bucket-policy', bucketArn), next, policy.forBucket(bucketArn).requireKms, 'bucket policy');
  },
};

export const s3SseEnforcementRemovedDocs: RuleDocs = {
  description:
    'A PutBucketPolicy or DeleteBucketPolicy removed the Deny statements that forced object writes to use SSE-KMS ' +
    '(StringNotEquals s3:x-amz-server-side-encryption aws:kms, StringNotEquals …-aws-kms-key-id <key>, or Null …-aws-kms-key-id true), ' +
    'where the ledger knew them or the policy file requires SSE-KMS for the bucket. Writers may now pick SSE-S3, SSE-C or another key.',
  references: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#require-sse-kms', 'MITRE ATT&CK T1562 Impair Defenses'],
  fixtures: {
    positive: ['s3/PutBucketPolicy.enforcement-dropped.json', 's3/DeleteBucketPolicy.after-enforcing.json'],
    negative: ['s3/PutBucketPolicy.enforcing.json', 's3/DeleteBucketPolicy.unknown-bucket.json'],
  },
};
