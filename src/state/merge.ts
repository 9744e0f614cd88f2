import { compareVersions } from '../correlate/ledger.js';
import { ENCRYPTION_HISTORY_LIMIT, keyUseEntry, type EncryptionChange, type KeyUseEntry, type LedgerEntry, type UsageEntry, type Version, type VersionedEntry } from '../correlate/ledger-entries.js';

/**
 * How a store combines what it holds with what a processor saves, so that processors working on the same resource
 * concurrently (or events saved out of order) converge: versioned fields keep the newest value, table bucket default
 * histories are unioned, usage counters add the saved delta.
 */
export function mergeEntry(stored: LedgerEntry | undefined, incoming: LedgerEntry): LedgerEntry {
  if (!stored || stored.kind !== incoming.kind) return stripDelta(incoming);
  if (incoming.kind === 'usage') {
    const current = stored as UsageEntry;
    return { ...current, count: current.count + usageDelta(incoming), lastSeen: Math.max(current.lastSeen, incoming.lastSeen) };
  }
  if (incoming.kind === 'key-use') return mergeKeyUse(stored as KeyUseEntry, incoming);
  return mergeVersioned(stored as VersionedEntry, incoming);
}

/** The latest time per resource from both sides, the most recent KEY_USE_LIMIT kept. */
function mergeKeyUse(stored: KeyUseEntry, incoming: KeyUseEntry): KeyUseEntry {
  const latest = new Map(Object.entries(stored.lastUsed));
  for (const [resource, time] of Object.entries(incoming.lastUsed)) if ((latest.get(resource) ?? 0) < time) latest.set(resource, time);
  return keyUseEntry(incoming.keyArn, latest);
}

/** The increments a processor made since it loaded the entry (the whole count for an entry it created). */
export function usageDelta(entry: UsageEntry): number {
  return entry.delta ?? entry.count;
}

function stripDelta(entry: LedgerEntry): LedgerEntry {
  if (entry.kind !== 'usage' || entry.delta === undefined) return entry;
  const { delta: _delta, ...rest } = entry;
  return rest;
}

function mergeVersioned(stored: VersionedEntry, incoming: VersionedEntry): VersionedEntry {
  const result = { ...stored } as VersionedEntry & Record<string, unknown>;
  const fieldVersions: Record<string, Version> = { ...(stored.fieldVersions ?? {}) };
  for (const [field, version] of Object.entries(incoming.fieldVersions ?? {})) {
    const current = fieldVersions[field];
    if (current && compareVersions(version, current) <= 0) continue;
    const value = (incoming as unknown as Record<string, unknown>)[field];
    if (value === undefined) delete result[field];
    else result[field] = value;
    fieldVersions[field] = version;
  }
  result.fieldVersions = fieldVersions;
  result.version = compareVersions(incoming.version, stored.version) > 0 ? incoming.version : stored.version;
  if (stored.kind === 'table-bucket' && incoming.kind === 'table-bucket') {
    result['history'] = mergeHistory(stored.history, incoming.history);
  }
  return result;
}

function mergeHistory(a: EncryptionChange[] = [], b: EncryptionChange[] = []): EncryptionChange[] | undefined {
  const byId = new Map<string, EncryptionChange>();
  for (const change of [...a, ...b]) byId.set(`${change.time}|${change.eventId}`, change);
  const merged = [...byId.values()].sort(compareVersions).slice(-ENCRYPTION_HISTORY_LIMIT);
  return merged.length ? merged : undefined;
}
