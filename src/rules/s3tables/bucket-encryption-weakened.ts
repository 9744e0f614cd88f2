import { describeEncryption, encryptionConfigOf, isKms, s3TablesTargetOf } from '../../correlate/s3tables.js';
import type { Rule, RuleDocs } from '../rule.js';
import { MITRE_IMPAIR_DEFENSES, S3TABLES_KMS_DOCS, S3TABLES_SOURCE, succeeded } from './common.js';

export const bucketEncryptionWeakened: Rule = {
  id: 's3tables.bucket-encryption-weakened',
  title: 'S3 table bucket default encryption weakened to SSE-S3',
  severity: 'HIGH',
  runbook: [
    '1. Check who made the change ("by") and whether a change ticket covers it.',
    '2. Restore SSE-KMS: aws s3tables put-table-bucket-encryption --table-bucket-arn <bucket ARN> ' +
      '--encryption-configuration sseAlgorithm=aws:kms,kmsKeyArn=<approved key ARN>.',
    '3. Make sure the key policy lets maintenance.s3tables.amazonaws.com call kms:GenerateDataKey and kms:Decrypt, or table maintenance fails.',
    '4. Tables created while the default was SSE-S3 keep SSE-S3: recreate them under SSE-KMS.',
  ].join('\n'),
  triggers: [{ eventSource: S3TABLES_SOURCE, eventNames: ['PutTableBucketEncryption', 'CreateTableBucket'] }],
  match(event, { ledger, policy }) {
    if (!succeeded(event)) return [];
    const bucketArn = s3TablesTargetOf(event).bucket?.bucketArn;
    if (!bucketArn) return [];
    const requested = encryptionConfigOf(event);
    if (event.eventName === 'PutTableBucketEncryption' && !requested) return [];
    const current = requested ?? { sseAlgorithm: 'AES256' };
    if (isKms(current)) return [];
    const previous = event.eventName === 'CreateTableBucket' ? undefined : ledger.tableBucketDefaultAt(bucketArn, { time: event.eventTimeMs, eventId: event.eventId });
    const required = policy.forTableBucket(bucketArn).requireKms;
    if (!isKms(previous) && !required) return [];
    const why = isKms(previous) ? `was ${describeEncryption(previous)}` : 'the policy requires SSE-KMS for this table bucket';
    const what = event.eventName === 'CreateTableBucket' ? 'table bucket created with SSE-S3' : 'default encryption set to SSE-S3';
    return [{
      summary: `${what} (${why}); new tables will be SSE-S3 for good`,
      resources: [bucketArn],
      ...(previous ? { previous } : {}),
      current,
      ...(previous?.kmsKeyArn ? { keyArn: previous.kmsKeyArn } : {}),
    }];
  },
};

export const bucketEncryptionWeakenedDocs: RuleDocs = {
  description:
    'A table bucket\'s default encryption was set to SSE-S3 (AES256) where it was SSE-KMS, or where the policy requires ' +
    'SSE-KMS (including a table bucket created without SSE-KMS). New tables inherit SSE-S3, and S3 Tables never changes a ' +
    'table\'s encryption after creation.',
  references: [S3TABLES_KMS_DOCS, MITRE_IMPAIR_DEFENSES, 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_s3TableBuckets_PutTableBucketEncryption.html'],
  fixtures: {
    positive: ['s3tables/PutTableBucketEncryption.weakened-after-kms.json', 's3tables/CreateTableBucket.sse-s3-where-required.json'],
    negative: ['s3tables/PutTableBucketEncryption.kms.json', 's3tables/PutTableBucketEncryption.sse-s3-first-seen.json'],
  },
};
