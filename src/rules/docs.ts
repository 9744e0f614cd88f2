import type { RuleDocs } from './rule.js';
import { queryResultsUnencrypted, queryResultsUnencryptedDocs } from './athena/query-results-unencrypted.js';
import { workgroupEncryptionWeakened, workgroupEncryptionWeakenedDocs } from './athena/workgroup-encryption-weakened.js';
import { dataEventsReduced, dataEventsReducedDocs } from './cloudtrail/data-events-reduced.js';
import { loggingStopped, loggingStoppedDocs } from './cloudtrail/logging-stopped.js';
import { trailDeleted, trailDeletedDocs } from './cloudtrail/trail-deleted.js';
import { trailEncryptionRemoved, trailEncryptionRemovedDocs } from './cloudtrail/trail-encryption-removed.js';
import { kmsAccessDeniedRule, kmsAccessDeniedRuleDocs } from './kms/access-denied.js';
import { crossAccountUse, crossAccountUseDocs } from './kms/cross-account-use.js';
import { decryptSpike, decryptSpikeDocs } from './kms/decrypt-spike.js';
import { externalKeyCreated, externalKeyCreatedDocs } from './kms/external-key-created.js';
import { grantExternal, grantExternalDocs } from './kms/grant-external.js';
import { importedKeyMaterialDeleted, importedKeyMaterialDeletedDocs } from './kms/imported-key-material-deleted.js';
import { importedKeyMaterialExpiring, importedKeyMaterialExpiringDocs } from './kms/imported-key-material-expiring.js';
import { keyDeletionScheduled, keyDeletionScheduledDocs } from './kms/key-deletion-scheduled.js';
import { keyDisabled, keyDisabledDocs } from './kms/key-disabled.js';
import { keyPolicyCrossAccount, keyPolicyCrossAccountDocs } from './kms/key-policy-cross-account.js';
import { keyPolicyPublic, keyPolicyPublicDocs } from './kms/key-policy-public.js';
import { keyPolicyServiceAccessRemoved, keyPolicyServiceAccessRemovedDocs } from './kms/key-policy-service-access-removed.js';
import { keyRecovered, keyRecoveredDocs } from './kms/key-recovered.js';
import { perObjectDataKeys, perObjectDataKeysDocs } from './kms/per-object-data-keys.js';
import { rotationDisabled, rotationDisabledDocs } from './kms/rotation-disabled.js';
import { s3AwsManagedKey, s3AwsManagedKeyDocs } from './s3/aws-managed-key.js';
import { s3BucketEncryptionRemoved, s3BucketEncryptionRemovedDocs } from './s3/bucket-encryption-removed.js';
import { s3BucketEncryptionWeakened, s3BucketEncryptionWeakenedDocs } from './s3/bucket-encryption-weakened.js';
import { s3BucketKeyDisabled, s3BucketKeyDisabledDocs } from './s3/bucket-key-disabled.js';
import { s3BucketKeyUnapproved, s3BucketKeyUnapprovedDocs } from './s3/bucket-key-unapproved.js';
import { s3KeyAliasReference, s3KeyAliasReferenceDocs } from './s3/key-alias-reference.js';
import { s3ObjectUnexpectedEncryption, s3ObjectUnexpectedEncryptionDocs } from './s3/object-unexpected-encryption.js';
import { s3SseCUnblocked, s3SseCUnblockedDocs } from './s3/sse-c-unblocked.js';
import { s3SseCWrite, s3SseCWriteDocs } from './s3/sse-c-write.js';
import { s3SseEnforcementRemoved, s3SseEnforcementRemovedDocs } from './s3/sse-enforcement-removed.js';
import { bucketEncryptionRemoved, bucketEncryptionRemovedDocs } from './s3tables/bucket-encryption-removed.js';
import { bucketEncryptionWeakened, bucketEncryptionWeakenedDocs } from './s3tables/bucket-encryption-weakened.js';
import { bucketKeyUnapproved, bucketKeyUnapprovedDocs } from './s3tables/bucket-key-unapproved.js';
import { encryptionConfigRead, encryptionConfigReadDocs } from './s3tables/encryption-config-read.js';
import { kmsAccessDenied, kmsAccessDeniedDocs } from './s3tables/kms-access-denied.js';
import { tablesSseEnforcementRemoved, tablesSseEnforcementRemovedDocs } from './s3tables/sse-enforcement-removed.js';
import { tableCreatedWithoutKms, tableCreatedWithoutKmsDocs } from './s3tables/table-created-without-kms.js';
import { tableKeyUnapproved, tableKeyUnapprovedDocs } from './s3tables/table-key-unapproved.js';
import { detectorTampered, detectorTamperedDocs } from './sentinel/detector-tampered.js';

/** Every rule's description, references and fixtures by rule id (see RuleDocs): for the tests and the catalogue only. */
export const RULE_DOCS: Readonly<Record<string, RuleDocs>> = {
  [queryResultsUnencrypted.id]: queryResultsUnencryptedDocs,
  [workgroupEncryptionWeakened.id]: workgroupEncryptionWeakenedDocs,
  [dataEventsReduced.id]: dataEventsReducedDocs,
  [loggingStopped.id]: loggingStoppedDocs,
  [trailDeleted.id]: trailDeletedDocs,
  [trailEncryptionRemoved.id]: trailEncryptionRemovedDocs,
  [kmsAccessDeniedRule.id]: kmsAccessDeniedRuleDocs,
  [crossAccountUse.id]: crossAccountUseDocs,
  [decryptSpike.id]: decryptSpikeDocs,
  [externalKeyCreated.id]: externalKeyCreatedDocs,
  [grantExternal.id]: grantExternalDocs,
  [importedKeyMaterialDeleted.id]: importedKeyMaterialDeletedDocs,
  [importedKeyMaterialExpiring.id]: importedKeyMaterialExpiringDocs,
  [keyDeletionScheduled.id]: keyDeletionScheduledDocs,
  [keyDisabled.id]: keyDisabledDocs,
  [keyPolicyCrossAccount.id]: keyPolicyCrossAccountDocs,
  [keyPolicyPublic.id]: keyPolicyPublicDocs,
  [keyPolicyServiceAccessRemoved.id]: keyPolicyServiceAccessRemovedDocs,
  [keyRecovered.id]: keyRecoveredDocs,
  [perObjectDataKeys.id]: perObjectDataKeysDocs,
  [rotationDisabled.id]: rotationDisabledDocs,
  [s3AwsManagedKey.id]: s3AwsManagedKeyDocs,
  [s3BucketEncryptionRemoved.id]: s3BucketEncryptionRemovedDocs,
  [s3BucketEncryptionWeakened.id]: s3BucketEncryptionWeakenedDocs,
  [s3BucketKeyDisabled.id]: s3BucketKeyDisabledDocs,
  [s3BucketKeyUnapproved.id]: s3BucketKeyUnapprovedDocs,
  [s3KeyAliasReference.id]: s3KeyAliasReferenceDocs,
  [s3ObjectUnexpectedEncryption.id]: s3ObjectUnexpectedEncryptionDocs,
  [s3SseCUnblocked.id]: s3SseCUnblockedDocs,
  [s3SseCWrite.id]: s3SseCWriteDocs,
  [s3SseEnforcementRemoved.id]: s3SseEnforcementRemovedDocs,
  [bucketEncryptionRemoved.id]: bucketEncryptionRemovedDocs,
  [bucketEncryptionWeakened.id]: bucketEncryptionWeakenedDocs,
  [bucketKeyUnapproved.id]: bucketKeyUnapprovedDocs,
  [encryptionConfigRead.id]: encryptionConfigReadDocs,
  [kmsAccessDenied.id]: kmsAccessDeniedDocs,
  [tablesSseEnforcementRemoved.id]: tablesSseEnforcementRemovedDocs,
  [tableCreatedWithoutKms.id]: tableCreatedWithoutKmsDocs,
  [tableKeyUnapproved.id]: tableKeyUnapprovedDocs,
  [detectorTampered.id]: detectorTamperedDocs,
};
