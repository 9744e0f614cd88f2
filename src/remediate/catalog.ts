/**
 * Which rules each remediation action answers and which IAM actions it calls, as plain data: the policy loader and
 * the deployment read it without loading the AWS SDK clients the actions use.
 */
export const ACTION_CATALOG = {
  'restore-table-bucket-encryption': {
    ruleIds: ['s3tables.bucket-encryption-removed', 's3tables.bucket-encryption-weakened', 's3tables.bucket-key-unapproved'],
    permissions: ['s3tables:GetTableBucketEncryption', 's3tables:PutTableBucketEncryption'],
  },
  'restore-bucket-encryption': {
    ruleIds: [
      's3.bucket-encryption-removed', 's3.bucket-encryption-weakened', 's3.bucket-key-unapproved',
      's3.aws-managed-key', 's3.key-alias-reference', 's3.bucket-key-disabled',
    ],
    permissions: ['s3:GetEncryptionConfiguration', 's3:PutEncryptionConfiguration'],
  },
  'restore-bucket-sse-policy': {
    ruleIds: ['s3.sse-enforcement-removed'],
    permissions: ['s3:GetBucketPolicy', 's3:PutBucketPolicy'],
  },
  'restore-table-bucket-sse-policy': {
    ruleIds: ['s3tables.sse-enforcement-removed'],
    permissions: ['s3tables:GetTableBucketPolicy', 's3tables:PutTableBucketPolicy'],
  },
  'cancel-key-deletion': {
    ruleIds: ['kms.key-deletion-scheduled'],
    permissions: ['kms:DescribeKey', 'kms:CancelKeyDeletion', 'kms:EnableKey'],
  },
  'enable-key': {
    ruleIds: ['kms.key-disabled'],
    permissions: ['kms:DescribeKey', 'kms:EnableKey'],
  },
} as const satisfies Record<string, { ruleIds: readonly string[]; permissions: readonly string[] }>;

export type ActionId = keyof typeof ACTION_CATALOG;

/** Rules a remediation answers: only they may be set to dry-run or enforce. */
export const REMEDIABLE_RULE_IDS: ReadonlySet<string> = new Set(Object.values(ACTION_CATALOG).flatMap((entry) => entry.ruleIds));

/** The remediator role grants exactly these IAM actions (the package test compares them). */
export const REMEDIATION_PERMISSIONS: readonly string[] = [...new Set(Object.values(ACTION_CATALOG).flatMap((entry) => entry.permissions))].sort();
