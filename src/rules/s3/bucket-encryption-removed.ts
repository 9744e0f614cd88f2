import { bucketArnOf, describeBucketEncryption } from '../../correlate/s3.js';
import type { Rule, RuleDocs } from '../rule.js';
import { CIS_S3_ENCRYPTION, S3_DEFAULT_ENCRYPTION_DOCS, S3_SOURCE } from './common.js';

export const s3BucketEncryptionRemoved: Rule = {
  id: 's3.bucket-encryption-removed',
  title: 'S3 bucket default encryption removed',
  severity: 'HIGH',
  runbook: [
    '1. Restore the default: aws s3api put-bucket-encryption --bucket <name> --server-side-encryption-configuration ' +
      '\'{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"<key ARN>"},"BucketKeyEnabled":true}]}\'.',
    '2. List objects written since the removal (S3 data events, or S3 Inventory with encryption status) and re-encrypt them with a copy in place.',
    '3. Enforce SSE-KMS with a bucket policy that denies s3:PutObject without the aws:kms header.',
  ].join('\n'),
  triggers: [{ eventSource: S3_SOURCE, eventNames: ['DeleteBucketEncryption'] }],
  match(event, { ledger }) {
    if (event.errorCode) return [];
    const bucketArn = bucketArnOf(event);
    if (!bucketArn) return [];
    const previous = ledger.bucket(bucketArn)?.encryption;
    return [{
      summary: `default encryption removed${previous ? ` (was ${describeBucketEncryption(previous)})` : ''}; new objects get SSE-S3`,
      resources: [bucketArn],
      ...(previous ? { previous } : {}),
      current: { sseAlgorithm: 'AES256' },
      ...(previous?.kmsKeyArn ? { keyArn: previous.kmsKeyArn } : {}),
    }];
  },
};

export const s3BucketEncryptionRemovedDocs: RuleDocs = {
  description:
    'DeleteBucketEncryption removed a bucket\'s default encryption configuration. New objects fall back to SSE-S3: no KMS key ' +
    'policy controls who can read them any more, and KMS no longer logs their use.',
  references: [CIS_S3_ENCRYPTION, 'MITRE ATT&CK T1562 Impair Defenses', S3_DEFAULT_ENCRYPTION_DOCS],
  fixtures: { positive: ['s3/DeleteBucketEncryption.after-kms.json'], negative: ['s3/DeleteBucketEncryption.access-denied.json'] },
};
