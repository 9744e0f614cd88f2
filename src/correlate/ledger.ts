import type { CloudTrailEvent } from '../events/types.js';
import { applyKms, KMS_LEDGER_EVENTS } from './apply-kms.js';
import { applyS3, S3_LEDGER_EVENTS } from './apply-s3.js';
import { applyS3Tables, S3TABLES_LEDGER_EVENTS } from './apply-s3tables.js';
import { tableNameKey } from './arn.js';
import { KMS_SOURCE } from './kms.js';
import {
  entryKey,
  type BucketEntry,
  type KeyEntry,
  type LedgerEntry,
  type LedgerWriter,
  type PolicyEnforcementEntry,
  type UsageEntry,
  usageKey,
  USAGE_WINDOW_MS,
  USAGE_RETENTION_WINDOWS,
  type ProtectedResources,
  type TableBucketEntry,
  type TableEntry,
  type Version,
} from './ledger-entries.js';
import { S3_SOURCE } from './s3.js';
import { S3TABLES_SOURCE } from './s3tables.js';

export * from './ledger-entries.js';

/** Events the ledger learns from, beyond those the rules read: the deployment must deliver them too. */
export const LEDGER_TRIGGERS = [
  { eventSource: S3TABLES_SOURCE, eventNames: S3TABLES_LEDGER_EVENTS },
  { eventSource: KMS_SOURCE, eventNames: KMS_LEDGER_EVENTS },
  { eventSource: S3_SOURCE, eventNames: S3_LEDGER_EVENTS },
] as const;

const APPLIERS: Record<string, (event: CloudTrailEvent, ledger: LedgerWriter, version: Version) => void> = {
  [S3TABLES_SOURCE]: applyS3Tables,
  [KMS_SOURCE]: applyKms,
  [S3_SOURCE]: applyS3,
};

function newer(candidate: Version, current: Version | undefined): boolean {
  if (!current) return true;
  if (candidate.time !== current.time) return candidate.time > current.time;
  return candidate.eventId > current.eventId;
}

/**
 * The posture ledger: the encryption of each table bucket, table and bucket, the lifecycle of each KMS key, and
 * which resources each key protects. Updated by events; every entry carries the version (event time, event id) that
 * set it and ignores older events, so late or reordered delivery converges to the same state.
 */
export class Ledger implements LedgerWriter {
  private readonly entries = new Map<string, LedgerEntry>();
  private readonly dirty = new Set<string>();
  private readonly removed = new Set<string>();

  load(entries: Iterable<LedgerEntry>): void {
    for (const entry of entries) this.entries.set(entryKey(entry), entry);
  }

  all(): LedgerEntry[] {
    return [...this.entries.values()];
  }

  /** Keys of entries dropped since the last call (pruned usage windows), for the state store to delete. */
  takeRemoved(): string[] {
    const keys = [...this.removed];
    this.removed.clear();
    return keys;
  }

  /** Entries changed since the last call, for the state store to persist. */
  takeDirty(): LedgerEntry[] {
    const changed = [...this.dirty].map((key) => this.entries.get(key)).filter((e): e is LedgerEntry => e !== undefined);
    this.dirty.clear();
    return changed;
  }

  private get<K extends LedgerEntry['kind']>(key: string, kind: K): Extract<LedgerEntry, { kind: K }> | undefined {
    const entry = this.entries.get(key);
    return entry?.kind === kind ? (entry as Extract<LedgerEntry, { kind: K }>) : undefined;
  }

  tableBucket(arn: string): TableBucketEntry | undefined {
    return this.get(`tb|${arn}`, 'table-bucket');
  }

  table(arn: string): TableEntry | undefined {
    return this.get(`t|${arn}`, 'table');
  }

  tableArnByName(bucketArn: string, namespace: string, name: string): string | undefined {
    return this.get(`tn|${tableNameKey(bucketArn, namespace, name)}`, 'table-name')?.tableArn;
  }

  bucket(arn: string): BucketEntry | undefined {
    return this.get(`b|${arn}`, 'bucket');
  }

  key(arn: string): KeyEntry | undefined {
    return this.get(`k|${arn}`, 'key');
  }

  policyEnforcement(kind: PolicyEnforcementEntry['kind'], arn: string): PolicyEnforcementEntry | undefined {
    const entry = this.entries.get(`${kind === 'bucket-policy' ? 'bp' : 'tbp'}|${arn}`);
    return entry?.kind === kind ? entry : undefined;
  }

  protectedBy(keyArn: string): ProtectedResources {
    const result: ProtectedResources = { keyArn, tableBuckets: [], tables: [], buckets: [] };
    for (const entry of this.entries.values()) {
      if (entry.kind !== 'table-bucket' && entry.kind !== 'table' && entry.kind !== 'bucket') continue;
      if (('deleted' in entry && entry.deleted) || entry.encryption?.kmsKeyArn !== keyArn) continue;
      if (entry.kind === 'table-bucket') result.tableBuckets.push(entry.arn);
      else if (entry.kind === 'table') result.tables.push(entry.arn);
      else result.buckets.push(entry.arn);
    }
    result.tableBuckets.sort();
    result.tables.sort();
    result.buckets.sort();
    return result;
  }

  /** Every key the ledger knows to protect something, with what it protects. */
  keys(): ProtectedResources[] {
    const keys = new Set<string>();
    for (const entry of this.entries.values()) {
      if (entry.kind !== 'table-bucket' && entry.kind !== 'table' && entry.kind !== 'bucket') continue;
      if (!('deleted' in entry && entry.deleted) && entry.encryption?.kmsKeyArn) keys.add(entry.encryption.kmsKeyArn);
    }
    return [...keys].sort().map((key) => this.protectedBy(key));
  }

  usage(keyArn: string, resource: string, principal: string, operation: string, windowStart: number): number {
    const entry = this.entries.get(usageKey(keyArn, resource, principal, operation, windowStart));
    return entry?.kind === 'usage' ? entry.count : 0;
  }

  countUsage(keyArn: string, resource: string, principal: string, operation: string, eventTimeMs: number): void {
    const windowStart = Math.floor(eventTimeMs / USAGE_WINDOW_MS) * USAGE_WINDOW_MS;
    const key = usageKey(keyArn, resource, principal, operation, windowStart);
    const existing = this.entries.get(key);
    const entry: UsageEntry = existing?.kind === 'usage'
      ? { ...existing, count: existing.count + 1, lastSeen: Math.max(existing.lastSeen, eventTimeMs) }
      : { kind: 'usage', key, keyArn, resource, principal, operation, windowStart, count: 1, lastSeen: eventTimeMs };
    this.entries.set(key, entry);
    this.dirty.add(key);
  }

  /** Drops usage windows older than the retention horizon, measured from `nowMs`. */
  pruneUsage(nowMs: number): number {
    const horizon = nowMs - USAGE_RETENTION_WINDOWS * USAGE_WINDOW_MS;
    let removed = 0;
    for (const [key, entry] of this.entries) {
      if (entry.kind === 'usage' && entry.windowStart < horizon) {
        this.entries.delete(key);
        this.dirty.delete(key);
        this.removed.add(key);
        removed++;
      }
    }
    return removed;
  }

  put(entry: LedgerEntry): void {
    if (entry.kind === 'usage') throw new Error('usage entries are counted with countUsage, not put');
    const key = entryKey(entry);
    const current = this.entries.get(key);
    if (!newer(entry.version, current && 'version' in current ? current.version : undefined)) return;
    this.entries.set(key, entry);
    this.dirty.add(key);
  }

  /** Applies a successful event to the posture. Failed calls change nothing. */
  apply(event: CloudTrailEvent): void {
    if (event.errorCode) return;
    APPLIERS[event.eventSource]?.(event, this, { time: event.eventTimeMs, eventId: event.eventId });
  }
}
