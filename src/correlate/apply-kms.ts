import { parseCloudTrailDate } from '../events/dates.js';
import type { CloudTrailEvent } from '../events/types.js';
import { parseS3Arn } from './arn.js';
import { contextResources, keyMetadataOf, keyOf, type KeyState } from './kms.js';
import type { KeyEntry, LedgerWriter, Version } from './ledger-entries.js';

export const KMS_LEDGER_EVENTS = [
  'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'Decrypt', 'Encrypt', 'ReEncrypt',
  'CreateKey', 'DisableKey', 'EnableKey', 'ScheduleKeyDeletion', 'CancelKeyDeletion', 'DeleteKey', 'ImportKeyMaterial',
  'DeleteImportedKeyMaterial', 'DeleteExpiredKeyMaterial', 'EnableKeyRotation', 'DisableKeyRotation',
] as const;

function keyBase(ledger: LedgerWriter, arn: string): KeyEntry {
  const existing = ledger.key(arn);
  return existing ? { ...existing } : { kind: 'key', arn, version: { time: 0, eventId: '' } };
}

function isKeyArn(text: string | undefined): text is string {
  return text !== undefined && /^arn:[^:]+:kms:[^:]*:\d{12}:key\//.test(text);
}

/** Cryptographic operations whose successful calls are counted as key usage. */
export const DATA_KEY_OPERATIONS = ['GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'Decrypt', 'Encrypt', 'ReEncrypt'] as const;
const DATA_KEY = new Set<string>(DATA_KEY_OPERATIONS);

/** The principal usage is counted for: the role behind an assumed-role session, else the caller's id. */
export function usagePrincipal(event: CloudTrailEvent): string {
  return event.principal.roleArn ?? event.principal.id;
}

/**
 * Counts a data-key call at the resource it served (a bucket for object contexts, a table or table bucket), and, for
 * object-level contexts (S3 Bucket Keys off), in a per-bucket counter under the principal `*` and operation `per-object`.
 */
function countDataKeyUsage(event: CloudTrailEvent, keyArn: string, ledger: LedgerWriter): void {
  const served = servedResource(event);
  ledger.countUsage(keyArn, served.resource, usagePrincipal(event), event.eventName, event.eventTimeMs);
  if (served.objectLevel) ledger.countUsage(keyArn, served.resource, '*', 'per-object', event.eventTimeMs);
}

export function servedResource(event: CloudTrailEvent): { resource: string; objectLevel: boolean } {
  const [first, second] = contextResources(event);
  if (first && second && parseS3Arn(first)?.objectArn) return { resource: second, objectLevel: true };
  if (first && second) return { resource: first, objectLevel: false }; // a table, then its table bucket
  return { resource: first ?? 'unknown', objectLevel: false };
}

export function applyKms(event: CloudTrailEvent, ledger: LedgerWriter, version: Version): void {
  const arn = keyOf(event);
  if (!isKeyArn(arn)) return;
  if (DATA_KEY.has(event.eventName)) {
    countDataKeyUsage(event, arn, ledger);
    return;
  }
  const withState = (state: KeyState, extra: Partial<KeyEntry> = {}): void => {
    const entry: KeyEntry = { ...keyBase(ledger, arn), state, ...extra, version };
    if (state !== 'PendingDeletion') delete entry.deletionDate;
    ledger.put(entry);
  };

  switch (event.eventName) {
    case 'CreateKey': {
      const metadata = keyMetadataOf(event) ?? {};
      const state = typeof metadata['keyState'] === 'string' ? (metadata['keyState'] as KeyState) : metadata['enabled'] === false ? 'Disabled' : 'Enabled';
      const entry: KeyEntry = { kind: 'key', arn, state, version };
      const origin = metadata['origin'] ?? event.requestParameters['origin'];
      if (typeof origin === 'string') entry.origin = origin;
      ledger.put(entry);
      return;
    }
    case 'DisableKey':
      return withState('Disabled');
    case 'EnableKey':
      return withState('Enabled');
    case 'ScheduleKeyDeletion': {
      const reported = event.responseElements['keyState'];
      const state: KeyState = reported === 'PendingReplicaDeletion' ? 'PendingReplicaDeletion' : 'PendingDeletion';
      const deletionDate = parseCloudTrailDate(event.responseElements['deletionDate']);
      return withState(state, deletionDate !== undefined ? { deletionDate } : {});
    }
    case 'CancelKeyDeletion':
      // KMS leaves a key whose deletion was cancelled disabled: it must be enabled again explicitly
      return withState('Disabled');
    case 'DeleteKey':
    case 'KMS CMK Deletion':
      return withState('Deleted');
    case 'ImportKeyMaterial': {
      const validTo = parseCloudTrailDate(event.requestParameters['validTo']);
      const expires = event.requestParameters['expirationModel'] !== 'KEY_MATERIAL_DOES_NOT_EXPIRE' && validTo !== undefined;
      const entry: KeyEntry = { ...keyBase(ledger, arn), state: 'Enabled', version };
      if (expires) entry.materialExpiresAt = validTo;
      else delete entry.materialExpiresAt;
      ledger.put(entry);
      return;
    }
    case 'DeleteImportedKeyMaterial':
    case 'DeleteExpiredKeyMaterial':
    case 'KMS Imported Key Material Expiration':
      return withState('PendingImport');
    case 'EnableKeyRotation':
      ledger.put({ ...keyBase(ledger, arn), rotationEnabled: true, version });
      return;
    case 'DisableKeyRotation':
      ledger.put({ ...keyBase(ledger, arn), rotationEnabled: false, version });
      return;
    default:
      return;
  }
}
