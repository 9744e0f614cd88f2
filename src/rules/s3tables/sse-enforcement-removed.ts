import { parsePolicyDocument } from '../../events/policy-document.js';
import { s3TablesSseEnforcement } from '../../correlate/policy-analysis.js';
import { s3TablesTargetOf } from '../../correlate/s3tables.js';
import { judgeEnforcement } from '../enforcement.js';
import type { Rule, RuleDocs } from '../rule.js';
import { S3TABLES_KMS_DOCS, S3TABLES_SOURCE } from './common.js';

export const tablesSseEnforcementRemoved: Rule = {
  id: 's3tables.sse-enforcement-removed',
  title: 'S3 table bucket policy no longer enforces SSE-KMS for new tables',
  severity: 'HIGH',
  runbook: [
    '1. Get the policy: aws s3tables get-table-bucket-policy --table-bucket-arn <ARN>.',
    '2. Add back: {"Effect":"Deny","Principal":"*","Action":"s3tables:CreateTable","Resource":"<table bucket ARN>/*",' +
      '"Condition":{"StringNotEquals":{"s3tables:sseAlgorithm":"aws:kms"}}} (and/or s3tables:kmsKeyArn), then put-table-bucket-policy.',
    '3. Review tables created since (s3tables.table-created-without-kms findings).',
  ].join('\n'),
  triggers: [{ eventSource: S3TABLES_SOURCE, eventNames: ['PutTableBucketPolicy', 'DeleteTableBucketPolicy'] }],
  match(event, { ledger, policy }) {
    if (event.errorCode) return [];
    const bucketArn = s3TablesTargetOf(event).bucket?.bucketArn;
    if (!bucketArn) return [];
    let next: ReturnType<typeof s3TablesSseEnforcement> | 'deleted' = 'deleted';
    if (event.eventName === 'PutTableBucketPolicy') {
      const parsed = parsePolicyDocument(event.requestParameters['resourcePolicy']);
      if (!parsed.ok) return [];
      next = s3TablesSseEnforcement(parsed.document);
    }
    return judgeEnforcement(bucketArn, ledger.policyEnforcement('table-bucket-policy', bucketArn), next, policy.forTableBucket(bucketArn).requireKms, 'table bucket policy');
  },
};

export const tablesSseEnforcementRemovedDocs: RuleDocs = {
  description:
    'A PutTableBucketPolicy or DeleteTableBucketPolicy dropped the Deny statements conditioned on s3tables:sseAlgorithm / ' +
    's3tables:kmsKeyArn that forced new tables to use SSE-KMS (with an approved key), where the ledger knew them or the policy ' +
    'file requires SSE-KMS. A table created without SSE-KMS can never be re-keyed.',
  references: [S3TABLES_KMS_DOCS, 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-tables-kms-permissions.html'],
  fixtures: {
    positive: ['s3tables/PutTableBucketPolicy.enforcement-dropped.json', 's3tables/DeleteTableBucketPolicy.after-enforcing.json'],
    negative: ['s3tables/PutTableBucketPolicy.enforcing.json'],
  },
};
