import { encryptionConfigOf, isKms, s3TablesTargetOf } from '../../correlate/s3tables.js';
import type { Rule, RuleDocs } from '../rule.js';
import { MITRE_DATA_ENCRYPTED_FOR_IMPACT, S3TABLES_KMS_DOCS, S3TABLES_SOURCE, succeeded } from './common.js';
import { judgeRequestedKey } from '../key-verdict.js';

export const tableKeyUnapproved: Rule = {
  id: 's3tables.table-key-unapproved',
  title: 'S3 table created with an unapproved KMS key',
  severity: 'HIGH',
  runbook: [
    '1. Find who created the table ("by") and whether the key is theirs: aws kms describe-key --key-id <key ARN>.',
    '2. A table cannot be re-keyed. Create a replacement table with an approved key (or with no encryptionConfiguration so it ' +
      'inherits the bucket default), copy the data, and delete this table.',
    '3. If the key is legitimate, add it to approvedKeys for this table bucket in the policy file.',
    '4. Consider a table bucket policy that denies s3tables:CreateTable unless s3tables:kmsKeyArn is an approved key.',
  ].join('\n'),
  triggers: [{ eventSource: S3TABLES_SOURCE, eventNames: ['CreateTable'] }],
  match(event, { policy }) {
    if (!succeeded(event)) return [];
    const target = s3TablesTargetOf(event);
    const bucketArn = target.bucket?.bucketArn;
    const requested = encryptionConfigOf(event);
    if (!bucketArn || !requested || !isKms(requested)) return [];
    const name = target.namespace && target.tableName ? `table ${target.namespace}.${target.tableName}` : 'table';
    const resources = target.tableArn ? [target.tableArn, bucketArn] : [bucketArn];
    return judgeRequestedKey(event, policy, policy.forTableBucket(bucketArn), resources, requested.kmsKeyArn, name, requested);
  },
};

export const tableKeyUnapprovedDocs: RuleDocs = {
  description:
    'CreateTable named a KMS key outside the approved set. A table\'s key is fixed at creation: the only fix is a new table. ' +
    'A key of an untrusted account is CRITICAL.',
  references: [S3TABLES_KMS_DOCS, MITRE_DATA_ENCRYPTED_FOR_IMPACT],
  fixtures: {
    positive: ['s3tables/CreateTable.foreign-key.json'],
    negative: ['s3tables/CreateTable.kms-same-account.json'],
  },
};
