import { describeEncryption, encryptionConfigOf, isKms, s3TablesTargetOf } from '../../correlate/s3tables.js';
import type { Rule, RuleDocs } from '../rule.js';
import { S3TABLES_KMS_DOCS, S3TABLES_SOURCE, succeeded } from './common.js';

export const tableCreatedWithoutKms: Rule = {
  id: 's3tables.table-created-without-kms',
  title: 'S3 table created without SSE-KMS (permanent)',
  severity: 'HIGH',
  runbook: [
    '1. Check the table bucket default: aws s3tables get-table-bucket-encryption --table-bucket-arn <bucket ARN>.',
    '2. If it is not SSE-KMS, restore it first (see s3tables.bucket-encryption-removed).',
    '3. The table stays SSE-S3 for good: create a replacement table (it inherits the SSE-KMS default), copy the data, delete this table.',
    '4. Prevent recurrence with a table bucket policy denying s3tables:CreateTable unless s3tables:sseAlgorithm is aws:kms.',
  ].join('\n'),
  triggers: [{ eventSource: S3TABLES_SOURCE, eventNames: ['CreateTable'] }],
  match(event, { ledger, policy }) {
    if (!succeeded(event)) return [];
    const target = s3TablesTargetOf(event);
    const bucketArn = target.bucket?.bucketArn;
    if (!bucketArn) return [];
    const requested = encryptionConfigOf(event);
    if (isKms(requested)) return [];
    const resources = target.tableArn ? [target.tableArn, bucketArn] : [bucketArn];
    const name = target.namespace && target.tableName ? `${target.namespace}.${target.tableName}` : 'table';
    if (requested) {
      return [{ summary: `table ${name} created with ${describeEncryption(requested)}; its encryption can never be changed`, resources, current: requested }];
    }
    const bucket = ledger.tableBucket(bucketArn);
    const bucketDefault = bucket?.deleted ? undefined : ledger.tableBucketDefaultAt(bucketArn, { time: event.eventTimeMs, eventId: event.eventId });
    if (isKms(bucketDefault)) return [];
    if (bucketDefault) {
      return [{
        summary: `table ${name} inherits the bucket default ${describeEncryption(bucketDefault)}; its encryption can never be changed`,
        resources,
        current: bucketDefault,
      }];
    }
    if (!policy.forTableBucket(bucketArn).requireKms) return [];
    return [{
      summary: `table ${name} named no encryption and the ledger does not know the bucket default; the policy requires SSE-KMS (run inventory to know)`,
      resources,
      severity: 'MEDIUM',
    }];
  },
};

export const tableCreatedWithoutKmsDocs: RuleDocs = {
  description:
    'A table was created that will be SSE-S3: its request asked for AES256, or it named no encryption and the table bucket\'s ' +
    'default (as the ledger knows it) is not SSE-KMS. A table\'s encryption is fixed at creation and can never be changed. ' +
    'When the ledger does not know the bucket default and the policy requires SSE-KMS, the finding is MEDIUM and says so.',
  references: [S3TABLES_KMS_DOCS, 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_s3TableBuckets_CreateTable.html'],
  fixtures: {
    positive: ['s3tables/CreateTable.sse-s3-requested.json', 's3tables/CreateTable.after-default-removed.json'],
    negative: ['s3tables/CreateTable.inherits-kms.json', 's3tables/CreateTable.kms-same-account.json', 's3tables/CreateTable.conflict.json'],
  },
};
