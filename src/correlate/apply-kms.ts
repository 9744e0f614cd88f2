import { parseCloudTrailDate } from '../events/dates.js';
import { perEvent } from '../events/per-event.js';
import type { CloudTrailEvent } from '../events/types.js';
import { normalizeKeyRef } from './arn.js';
import { contextResources, contextTarget, keyMetadataOf, keyOf, type KeyState } from './kms.js';
import { USAGE_WINDOW_MS, usageKey, usageWindowStart, type AliasEntry, type KeyEntry, type LedgerWriter, type Version } from './ledger-entries.js';

export const KMS_LEDGER_EVENTS = [
  'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'Decrypt', 'Encrypt', 'ReEncrypt',
  'CreateKey', 'DisableKey', 'EnableKey', 'ScheduleKeyDeletion', 'CancelKeyDeletion', 'DeleteKey', 'ImportKeyMaterial',
  'DeleteImportedKeyMaterial', 'DeleteExpiredKeyMaterial', 'EnableKeyRotation', 'DisableKeyRotation',
  'CreateAlias', 'UpdateAlias', 'DeleteAlias', 'KMS CMK Deletion',
] as const;

/** keyOf's answer is a key ARN here, not a bare key id it could not qualify (remediation wants more: isCompleteKeyArn). */
function startsAsKeyArn(text: string | undefined): text is string {
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

/**
 * The usage counters an event's rules read (the decrypt-spike rule's window and baseline windows, the per-object
 * counter) and its count writes: a store that loads counters by key (DynamoDB) fetches these before the event is
 * judged, so counts and thresholds are what the table holds.
 */
export function usageKeysOf(event: CloudTrailEvent, baselineHours: number): string[] {
  if (event.errorCode || !DATA_KEY.has(event.eventName)) return [];
  const keyArn = keyOf(event);
  if (!keyArn) return [];
  const { resource, objectLevel } = servedResource(event);
  const principal = usagePrincipal(event);
  const window = usageWindowStart(event.eventTimeMs);
  const keys = [usageKey(keyArn, resource, principal, event.eventName, window)];
  if (event.eventName === 'Decrypt') {
    for (let hour = 1; hour <= baselineHours; hour++) keys.push(usageKey(keyArn, resource, principal, 'Decrypt', window - hour * USAGE_WINDOW_MS));
  }
  if (objectLevel) keys.push(usageKey(keyArn, resource, '*', 'per-object', window));
  return keys;
}

/** The resource a data-key call served; four usage rules and the ledger ask each event, so it is read once. */
export const servedResource = perEvent(readServedResource);

function readServedResource(event: CloudTrailEvent): { resource: string; objectLevel: boolean } {
  const { s3, tables } = contextTarget(event);
  // an object (S3 Bucket Keys off) counts at its bucket; a table at the table, not its bucket
  if (s3) return { resource: s3.bucketArn, objectLevel: s3.objectArn !== undefined };
  if (tables) return { resource: tables.tableArn ?? tables.bucketArn, objectLevel: false };
  return { resource: contextResources(event)[0] ?? 'unknown', objectLevel: false };
}

export function applyKms(event: CloudTrailEvent, ledger: LedgerWriter, version: Version): void {
  if (ALIAS_EVENTS.has(event.eventName)) return applyAlias(event, ledger, version);
  const arn = keyOf(event);
  if (!startsAsKeyArn(arn)) return;
  if (DATA_KEY.has(event.eventName)) {
    countDataKeyUsage(event, arn, ledger);
    return;
  }
  const set = (patch: Partial<KeyEntry>): void => ledger.update<KeyEntry>({ kind: 'key', arn }, patch, version);

  switch (event.eventName) {
    case 'CreateKey': {
      const metadata = keyMetadataOf(event) ?? {};
      const state = typeof metadata['keyState'] === 'string' ? (metadata['keyState'] as KeyState) : metadata['enabled'] === false ? 'Disabled' : 'Enabled';
      const origin = metadata['origin'] ?? event.requestParameters['origin'];
      return set({ state, ...(typeof origin === 'string' ? { origin } : {}) });
    }
    case 'DisableKey':
      return set({ state: 'Disabled', deletionDate: undefined });
    case 'EnableKey':
      return set({ state: 'Enabled', deletionDate: undefined });
    case 'ScheduleKeyDeletion': {
      const state: KeyState = event.responseElements['keyState'] === 'PendingReplicaDeletion' ? 'PendingReplicaDeletion' : 'PendingDeletion';
      return set({ state, deletionDate: parseCloudTrailDate(event.responseElements['deletionDate']) });
    }
    case 'CancelKeyDeletion':
      // KMS leaves a key whose deletion was cancelled disabled: it must be enabled again explicitly
      return set({ state: 'Disabled', deletionDate: undefined });
    case 'DeleteKey':
    case 'KMS CMK Deletion':
      return set({ state: 'Deleted', deletionDate: undefined });
    case 'ImportKeyMaterial': {
      const validTo = parseCloudTrailDate(event.requestParameters['validTo']);
      const expires = event.requestParameters['expirationModel'] !== 'KEY_MATERIAL_DOES_NOT_EXPIRE' && validTo !== undefined;
      return set({ state: 'Enabled', materialExpiresAt: expires ? validTo : undefined });
    }
    case 'DeleteImportedKeyMaterial':
    case 'DeleteExpiredKeyMaterial':
    case 'KMS Imported Key Material Expiration':
      return set({ state: 'PendingImport', materialExpiresAt: undefined });
    case 'EnableKeyRotation':
      return set({ rotationEnabled: true });
    case 'DisableKeyRotation':
      return set({ rotationEnabled: false });
    default:
      return;
  }
}

const ALIAS_EVENTS = new Set(['CreateAlias', 'UpdateAlias', 'DeleteAlias']);

/** CreateAlias / UpdateAlias point an alias at a key; DeleteAlias removes it. Aliases live in the caller's account and Region. */
function applyAlias(event: CloudTrailEvent, ledger: LedgerWriter, version: Version): void {
  const context = { region: event.awsRegion, accountId: event.account };
  const alias = normalizeKeyRef(event.requestParameters['aliasName'], context);
  const aliasArn = alias?.aliasArn;
  if (!aliasArn) return;
  if (event.eventName === 'DeleteAlias') {
    ledger.update<AliasEntry>({ kind: 'alias', arn: aliasArn }, { deleted: true, targetKeyArn: undefined }, version);
    return;
  }
  const target = event.resources.map((r) => r.arn).find((a) => normalizeKeyRef(a, context)?.kind === 'key-arn') ??
    normalizeKeyRef(event.requestParameters['targetKeyId'], context)?.keyArn;
  if (target) ledger.update<AliasEntry>({ kind: 'alias', arn: aliasArn }, { targetKeyArn: target, deleted: false }, version);
}
