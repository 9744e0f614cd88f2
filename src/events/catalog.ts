import { KMS_NATIVE_DETAIL_TYPES } from './normalize.js';

/**
 * Event names that are not API operations: CloudTrail service events (detail-type "AWS Service Event via CloudTrail")
 * and KMS's own EventBridge events. Sources: KMS developer guide (ct-deletekey, ct-delete-expired-key-material,
 * ct-rotatekey, kms-events) and the S3 Tables logging guide (TablesMaintenanceEvent).
 */
export const SERVICE_EVENTS: Readonly<Record<string, readonly string[]>> = {
  'kms.amazonaws.com': ['DeleteKey', 'DeleteExpiredKeyMaterial', 'RotateKey'],
  's3tables.amazonaws.com': ['TablesMaintenanceEvent'],
};

export function isServiceEvent(eventSource: string, eventName: string): boolean {
  return SERVICE_EVENTS[eventSource]?.includes(eventName) ?? false;
}

export function isKmsNativeEvent(eventSource: string, eventName: string): boolean {
  return eventSource === 'kms.amazonaws.com' && KMS_NATIVE_DETAIL_TYPES.has(eventName);
}

/**
 * CloudTrail names that differ from the SDK operation name: S3's multipart upload is logged as
 * CreateMultipartUpload in the data-event tables and InitiateMultipartUpload on the default-encryption page;
 * PutBucketNotificationConfiguration as PutBucketNotification (the name of the API it replaced).
 */
export const LEGACY_EVENT_NAMES: Readonly<Record<string, readonly string[]>> = {
  's3.amazonaws.com': ['InitiateMultipartUpload', 'PutBucketNotification'],
};

/**
 * Lambda logs some operations under versioned event names (Lambda developer guide, "Logging Lambda API calls with
 * CloudTrail": DeleteFunction20150331, PutFunctionConcurrency20171031, UpdateFunctionConfiguration20150331v2, …).
 */
export function operationOfEventName(eventSource: string, eventName: string): string {
  if (eventSource === 'lambda.amazonaws.com') return eventName.replace(/20\d{6}(v\d+)?$/, '');
  return eventName;
}

/** KMS operations CloudTrail marks readOnly although their names do not start with Get/List/Describe. */
const READ_ONLY_KMS = new Set(['Decrypt', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext', 'ReEncrypt', 'Sign', 'Verify', 'GenerateMac', 'VerifyMac', 'GenerateRandom']);

/** Read-only management events reach EventBridge rules only in state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS. */
export function isReadOnlyManagementEvent(eventSource: string, eventName: string): boolean {
  if (/^(Get|List|Describe|Head)/.test(eventName)) return true;
  return eventSource === 'kms.amazonaws.com' && READ_ONLY_KMS.has(eventName);
}
