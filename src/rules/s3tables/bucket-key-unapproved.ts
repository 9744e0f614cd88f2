import { encryptionConfigOf, isKms, s3TablesTargetOf } from '../../correlate/s3tables.js';
import type { Rule, RuleDocs } from '../rule.js';
import { MITRE_DATA_ENCRYPTED_FOR_IMPACT, S3TABLES_KMS_DOCS, S3TABLES_SOURCE, succeeded } from './common.js';
import { judgeRequestedKey } from '../key-verdict.js';

export const bucketKeyUnapproved: Rule = {
  id: 's3tables.bucket-key-unapproved',
  title: 'S3 table bucket encrypted with an unapproved KMS key',
  severity: 'HIGH',
  runbook: [
    '1. Identify the key owner: aws kms describe-key --key-id <key ARN> (from an account that can read it).',
    '2. If the key is not yours, restore an approved key now: aws s3tables put-table-bucket-encryption --table-bucket-arn <bucket ARN> ' +
      '--encryption-configuration sseAlgorithm=aws:kms,kmsKeyArn=<approved key ARN>.',
    '3. Tables created under the foreign key keep it for good: copy their data into new tables and delete them before the key owner revokes access.',
    '4. If the key is legitimate, add it to approvedKeys (or its account to trustedAccounts) in the policy file.',
  ].join('\n'),
  triggers: [{ eventSource: S3TABLES_SOURCE, eventNames: ['PutTableBucketEncryption', 'CreateTableBucket'] }],
  match(event, { policy }) {
    if (!succeeded(event)) return [];
    const bucketArn = s3TablesTargetOf(event).bucket?.bucketArn;
    const requested = encryptionConfigOf(event);
    if (!bucketArn || !requested || !isKms(requested)) return [];
    return judgeRequestedKey(event, policy, policy.forTableBucket(bucketArn), [bucketArn], requested.kmsKeyArn, 'table bucket default encryption', requested);
  },
};

export const bucketKeyUnapprovedDocs: RuleDocs = {
  description:
    'A table bucket\'s default encryption names a KMS key outside the approved set (by default: a key of an account that is ' +
    'neither the bucket\'s nor trusted). Whoever controls that key controls access to every table created from now on. ' +
    'A key of an untrusted account is CRITICAL.',
  references: [S3TABLES_KMS_DOCS, MITRE_DATA_ENCRYPTED_FOR_IMPACT],
  fixtures: {
    positive: ['s3tables/PutTableBucketEncryption.foreign-key.json', 's3tables/CreateTableBucket.foreign-key.json'],
    negative: ['s3tables/PutTableBucketEncryption.kms.json', 's3tables/CreateTableBucket.kms.json'],
  },
};
