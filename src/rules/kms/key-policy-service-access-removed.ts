import { S3TABLES_MAINTENANCE_PRINCIPAL } from '../../correlate/s3tables.js';
import type { Rule, RuleDocs } from '../rule.js';
import { KMS_SOURCE } from './common.js';
import { analyzedKeyPolicy, KEY_POLICY_EVENTS } from './key-policy.js';

export const keyPolicyServiceAccessRemoved: Rule = {
  id: 'kms.key-policy-service-access-removed',
  title: 'KMS key policy no longer lets S3 Tables maintenance use a key that protects tables',
  severity: 'HIGH',
  runbook: [
    `1. Add back: {"Sid":"AllowS3TablesMaintenance","Effect":"Allow","Principal":{"Service":"${S3TABLES_MAINTENANCE_PRINCIPAL}"},` +
      '"Action":["kms:GenerateDataKey","kms:Decrypt"],"Resource":"*","Condition":{"StringLike":{"kms:EncryptionContext:aws:s3:arn":"<table bucket ARN>/*"},"StringEquals":{"aws:SourceAccount":"<account>"}}}.',
    '2. Watch for s3tables.kms-access-denied findings until maintenance succeeds again.',
  ].join('\n'),
  triggers: [{ eventSource: KMS_SOURCE, eventNames: KEY_POLICY_EVENTS }],
  match(event, context) {
    const analyzed = analyzedKeyPolicy(event, context);
    if (!analyzed) return [];
    const { tableBuckets, tables } = context.ledger.protectedBy(analyzed.keyArn);
    if (tableBuckets.length + tables.length === 0) return [];
    if (analyzed.analysis.allowsService(S3TABLES_MAINTENANCE_PRINCIPAL)) return [];
    return [{
      summary: `key protects ${tableBuckets.length} table bucket(s) and ${tables.length} table(s) but its policy no longer allows ${S3TABLES_MAINTENANCE_PRINCIPAL} to GenerateDataKey and Decrypt`,
      resources: [analyzed.keyArn, ...tableBuckets],
      keyArn: analyzed.keyArn,
    }];
  },
};

export const keyPolicyServiceAccessRemovedDocs: RuleDocs = {
  description:
    'The ledger knows the key protects table buckets or tables, and its new policy does not allow maintenance.s3tables.amazonaws.com ' +
    'kms:GenerateDataKey and kms:Decrypt. Compaction, snapshot management and unreferenced-file removal will fail, and so will ' +
    'CreateTable with this key. (The Lake Formation / analytics role is granted through IAM and is not judged here.)',
  references: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-tables-kms-permissions.html'],
  fixtures: { positive: ['kms/PutKeyPolicy.s3tables-maintenance-removed.json'], negative: ['kms/PutKeyPolicy.s3tables-maintenance-kept.json'] },
};
