import type { Rule } from './rule.js';
import { queryResultsUnencrypted } from './athena/query-results-unencrypted.js';
import { workgroupEncryptionWeakened } from './athena/workgroup-encryption-weakened.js';
import { kmsAccessDeniedRule } from './kms/access-denied.js';
import { crossAccountUse } from './kms/cross-account-use.js';
import { decryptSpike } from './kms/decrypt-spike.js';
import { perObjectDataKeys } from './kms/per-object-data-keys.js';
import { grantExternal } from './kms/grant-external.js';
import { keyPolicyCrossAccount } from './kms/key-policy-cross-account.js';
import { keyPolicyPublic } from './kms/key-policy-public.js';
import { keyPolicyServiceAccessRemoved } from './kms/key-policy-service-access-removed.js';
import { s3ObjectUnexpectedEncryption } from './s3/object-unexpected-encryption.js';
import { s3SseEnforcementRemoved } from './s3/sse-enforcement-removed.js';
import { tablesSseEnforcementRemoved } from './s3tables/sse-enforcement-removed.js';
import { detectorTampered } from './sentinel/detector-tampered.js';
import { dataEventsReduced } from './cloudtrail/data-events-reduced.js';
import { loggingStopped } from './cloudtrail/logging-stopped.js';
import { trailDeleted } from './cloudtrail/trail-deleted.js';
import { trailEncryptionRemoved } from './cloudtrail/trail-encryption-removed.js';
import { externalKeyCreated } from './kms/external-key-created.js';
import { importedKeyMaterialDeleted } from './kms/imported-key-material-deleted.js';
import { importedKeyMaterialExpiring } from './kms/imported-key-material-expiring.js';
import { keyDeletionScheduled } from './kms/key-deletion-scheduled.js';
import { keyDisabled } from './kms/key-disabled.js';
import { keyRecovered } from './kms/key-recovered.js';
import { rotationDisabled } from './kms/rotation-disabled.js';
import { s3AwsManagedKey } from './s3/aws-managed-key.js';
import { s3BucketEncryptionRemoved } from './s3/bucket-encryption-removed.js';
import { s3BucketEncryptionWeakened } from './s3/bucket-encryption-weakened.js';
import { s3BucketKeyDisabled } from './s3/bucket-key-disabled.js';
import { s3BucketKeyUnapproved } from './s3/bucket-key-unapproved.js';
import { s3KeyAliasReference } from './s3/key-alias-reference.js';
import { s3SseCUnblocked } from './s3/sse-c-unblocked.js';
import { s3SseCWrite } from './s3/sse-c-write.js';
import { bucketEncryptionRemoved } from './s3tables/bucket-encryption-removed.js';
import { bucketEncryptionWeakened } from './s3tables/bucket-encryption-weakened.js';
import { bucketKeyUnapproved } from './s3tables/bucket-key-unapproved.js';
import { encryptionConfigRead } from './s3tables/encryption-config-read.js';
import { kmsAccessDenied } from './s3tables/kms-access-denied.js';
import { tableCreatedWithoutKms } from './s3tables/table-created-without-kms.js';
import { tableKeyUnapproved } from './s3tables/table-key-unapproved.js';

/** The explicit registry: a rule exists when it is listed here. */
export const RULES: readonly Rule[] = [
  // S3 Tables
  bucketEncryptionRemoved,
  bucketEncryptionWeakened,
  bucketKeyUnapproved,
  tableKeyUnapproved,
  tableCreatedWithoutKms,
  kmsAccessDenied,
  encryptionConfigRead,
  tablesSseEnforcementRemoved,
  // S3
  s3BucketEncryptionRemoved,
  s3BucketEncryptionWeakened,
  s3BucketKeyUnapproved,
  s3AwsManagedKey,
  s3KeyAliasReference,
  s3BucketKeyDisabled,
  s3SseCWrite,
  s3SseCUnblocked,
  s3SseEnforcementRemoved,
  s3ObjectUnexpectedEncryption,
  // KMS
  keyDeletionScheduled,
  keyDisabled,
  keyRecovered,
  importedKeyMaterialDeleted,
  importedKeyMaterialExpiring,
  externalKeyCreated,
  rotationDisabled,
  keyPolicyPublic,
  keyPolicyCrossAccount,
  keyPolicyServiceAccessRemoved,
  grantExternal,
  kmsAccessDeniedRule,
  crossAccountUse,
  decryptSpike,
  perObjectDataKeys,
  // CloudTrail
  loggingStopped,
  trailDeleted,
  trailEncryptionRemoved,
  dataEventsReduced,
  // Athena
  queryResultsUnencrypted,
  workgroupEncryptionWeakened,
  // Self-protection
  detectorTampered,
];

export const RULE_IDS: ReadonlySet<string> = new Set(RULES.map((rule) => rule.id));
