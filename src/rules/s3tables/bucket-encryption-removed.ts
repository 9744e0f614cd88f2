import { describeEncryption, isKms, s3TablesTargetOf } from '../../correlate/s3tables.js';
import type { Rule, RuleDocs } from '../rule.js';
import { MITRE_IMPAIR_DEFENSES, S3TABLES_KMS_DOCS, S3TABLES_SOURCE, succeeded } from './common.js';

export const bucketEncryptionRemoved: Rule = {
  id: 's3tables.bucket-encryption-removed',
  title: 'S3 table bucket default encryption removed',
  severity: 'HIGH',
  runbook: [
    '1. Confirm with the principal (see "by") that the change was intended; if not, treat the credentials as compromised.',
    '2. Restore the default: aws s3tables put-table-bucket-encryption --table-bucket-arn <bucket ARN> ' +
      '--encryption-configuration sseAlgorithm=aws:kms,kmsKeyArn=<previous key ARN>.',
    '3. List tables created since the removal (CreateTable events on this bucket) — they are SSE-S3 for good: ' +
      'copy their data into new SSE-KMS tables and drop them.',
    '4. Enforce SSE-KMS for new tables with a table bucket policy that denies s3tables:CreateTable unless s3tables:sseAlgorithm is aws:kms.',
  ].join('\n'),
  triggers: [{ eventSource: S3TABLES_SOURCE, eventNames: ['DeleteTableBucketEncryption'] }],
  match(event, { ledger }) {
    if (!succeeded(event)) return [];
    const bucketArn = s3TablesTargetOf(event).bucket?.bucketArn;
    if (!bucketArn) return [];
    const previous = ledger.tableBucketDefaultAt(bucketArn, { time: event.eventTimeMs, eventId: event.eventId });
    const was = previous ? ` (was ${describeEncryption(previous)})` : '';
    return [{
      summary: `default encryption of table bucket removed${was}; new tables will be SSE-S3 and can never be re-keyed`,
      resources: [bucketArn],
      ...(previous ? { previous } : {}),
      current: { sseAlgorithm: 'AES256' },
      ...(isKms(previous) && previous?.kmsKeyArn ? { keyArn: previous.kmsKeyArn } : {}),
    }];
  },
};

export const bucketEncryptionRemovedDocs: RuleDocs = {
  description:
    'DeleteTableBucketEncryption removed the default encryption of a table bucket. Every table created from now on ' +
    'uses SSE-S3, and a table\'s encryption can never be changed after it is created.',
  references: [S3TABLES_KMS_DOCS, MITRE_IMPAIR_DEFENSES, 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_s3TableBuckets_DeleteTableBucketEncryption.html'],
  fixtures: {
    positive: ['s3tables/DeleteTableBucketEncryption.json', 's3tables/DeleteTableBucketEncryption.after-kms.json'],
    negative: ['s3tables/DeleteTableBucketEncryption.access-denied.json'],
  },
};
