import type { CloudTrailEvent } from '../events/types.js';
import { applyKms, KMS_LEDGER_EVENTS } from './apply-kms.js';
import { applyS3, S3_LEDGER_EVENTS } from './apply-s3.js';
import { applyS3Tables, S3TABLES_LEDGER_EVENTS } from './apply-s3tables.js';
import { tableNameKey } from './arn.js';
import { KMS_SOURCE } from './kms.js';
import {
  ENCRYPTION_HISTORY_LIMIT,
  entryKey,
  keyUseEntry,
  newestUses,
  USAGE_RETENTION_WINDOWS,
  USAGE_WINDOW_MS,
  usageKey,
  usageWindowStart,
  type AliasEntry,
  type BucketEntry,
  type EncryptionChange,
  type KeyEntry,
  type LedgerEntry,
  type LedgerWriter,
  type PolicyEnforcementEntry,
  type ProtectedResources,
  type TableBucketEntry,
  type TableEntry,
  type UsageEntry,
  type Version,
  type VersionedEntry,
} from './ledger-entries.js';
import { S3_SOURCE } from './s3.js';
import { S3TABLES_SOURCE } from './s3tables.js';

export * from './ledger-entries.js';

/** How far a resource's last use must move before the key's summary is written again: blast radius reads minutes. */
const KEY_USE_RESOLUTION_MS = 5 * 60 * 1000;

function setMax(index: Map<string, Map<string, number>>, key: string, inner: string, value: number): void {
  let byInner = index.get(key);
  if (!byInner) index.set(key, (byInner = new Map()));
  if ((byInner.get(inner) ?? 0) < value) byInner.set(inner, value);
}

function addTo(index: Map<string, Set<string>>, key: string, value: string): void {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(value);
}

/** Events the ledger learns from, beyond those the rules read: the deployment must deliver them too. */
export const LEDGER_TRIGGERS = [
  { eventSource: S3TABLES_SOURCE, eventNames: S3TABLES_LEDGER_EVENTS },
  { eventSource: KMS_SOURCE, eventNames: KMS_LEDGER_EVENTS },
  { eventSource: S3_SOURCE, eventNames: S3_LEDGER_EVENTS },
] as const;

/** LEDGER_TRIGGERS by event source. */
const LEARNS_FROM = new Map<string, ReadonlySet<string>>(LEDGER_TRIGGERS.map(({ eventSource, eventNames }) => [eventSource, new Set<string>(eventNames)]));

/** Whether the ledger learns anything from events of this source and name (see LEDGER_TRIGGERS). */
export function ledgerLearnsFrom(event: Pick<CloudTrailEvent, 'eventSource' | 'eventName'>): boolean {
  return LEARNS_FROM.get(event.eventSource)?.has(event.eventName) ?? false;
}

const APPLIERS: Record<string, (event: CloudTrailEvent, ledger: LedgerWriter, version: Version) => void> = {
  [S3TABLES_SOURCE]: applyS3Tables,
  [KMS_SOURCE]: applyKms,
  [S3_SOURCE]: applyS3,
};

export function compareVersions(a: Version, b: Version): number {
  if (a.time !== b.time) return a.time - b.time;
  return a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
}

function newer(candidate: Version, current: Version | undefined): boolean {
  return !current || compareVersions(candidate, current) > 0;
}

const NO_VERSION: Version = { time: 0, eventId: '' };

/**
 * A protectedBy answer and the lists it was made from. Callers get frozen copies; merges read the unfrozen lists, as V8
 * copies a frozen array element by element (a slice of a thousand tables: 35 µs frozen, 1.5 µs not).
 */
interface CachedProtection {
  answer: ProtectedResources;
  tableBuckets: readonly string[];
  tables: readonly string[];
  buckets: readonly string[];
}

function protection(keyArn: string, tableBuckets: readonly string[], tables: readonly string[], buckets: readonly string[]): CachedProtection {
  const answer = Object.freeze({ keyArn, tableBuckets: Object.freeze([...tableBuckets]), tables: Object.freeze([...tables]), buckets: Object.freeze([...buckets]) });
  return { answer, tableBuckets, tables, buckets };
}

/**
 * The posture ledger: the encryption of each table bucket, table and bucket, the lifecycle of each KMS key and alias,
 * what bucket policies enforce, which resources each key protects, and key usage per hour. Every field carries the
 * version (event time, event id) that set it and ignores older events, tables resolve an inherited default from the
 * bucket's history at their creation time, and usage counters only add: the same events give the same ledger in
 * any arrival order.
 *
 * Posture entries are never changed in place: an update replaces the entry with a new object (usage counters, which
 * count in place, are the exception). A warm function hands the same loaded entries, frozen, to each invocation's
 * ledger (PostureCache).
 */
export class Ledger implements LedgerWriter {
  private readonly entries = new Map<string, LedgerEntry>();
  private readonly dirty = new Set<string>();
  private readonly removed = new Set<string>();

  /** Usage counts as loaded from the store, so that only this processor's increments are saved (as deltas). */
  private readonly loadedCounts = new Map<string, number>();
  /** key → resource → last data-key call (epoch ms), kept as counters change: alerts read it on every key finding. */
  private readonly lastUsedIndex = new Map<string, Map<string, number>>();
  /** Keys whose last-use summary moved on by KEY_USE_RESOLUTION_MS since it was loaded or saved (see KeyUseEntry). */
  private readonly dirtyKeyUse = new Set<string>();
  /** key → resource → last-use time as the store holds it (loaded or saved). */
  private readonly keyUseStored = new Map<string, Map<string, number>>();
  /** See reindex(). */
  private readonly keyRefs = new Map<string, Set<string>>();
  private readonly inheritors = new Map<string, Set<string>>();
  private readonly historyRefs = new Map<string, Set<string>>();
  private readonly indexed = new Map<string, { ref?: string; inheritFrom?: string }>();
  /**
   * protectedBy's answers, kept current through each posture change (see updateProtected; every change passes through
   * reindex): a key finding asks up to three times (severity, summary, blast radius) for the same posture.
   */
  private readonly protectedCache = new Map<string, CachedProtection>();
  /**
   * Tables and buckets that joined (true) or left (false) a cached answer since it was built, merged in when the key
   * is next asked: a run of CreateTables then costs one pass over the key's tables, not a copy each.
   */
  private readonly protectedChanges = new Map<string, { tables: Map<string, boolean>; buckets: Map<string, boolean> }>();
  /**
   * key → resource → principal → operation → window → counter: the same counters as `entries`, reached without
   * building their long string keys (every data-key event reads and writes several of them).
   */
  private readonly usageIndex = new Map<string, Map<string, Map<string, Map<string, Map<number, UsageEntry>>>>>();
  /** How many times the entries changed since the ledger was made (loads aside): see changeCount. */
  private changes = 0;

  private usageWindows(keyArn: string, resource: string, principal: string, operation: string, create: boolean): Map<number, UsageEntry> | undefined {
    let byResource = this.usageIndex.get(keyArn);
    if (!byResource) {
      if (!create) return undefined;
      this.usageIndex.set(keyArn, (byResource = new Map()));
    }
    let byPrincipal = byResource.get(resource);
    if (!byPrincipal) {
      if (!create) return undefined;
      byResource.set(resource, (byPrincipal = new Map()));
    }
    let byOperation = byPrincipal.get(principal);
    if (!byOperation) {
      if (!create) return undefined;
      byPrincipal.set(principal, (byOperation = new Map()));
    }
    let windows = byOperation.get(operation);
    if (!windows) {
      if (!create) return undefined;
      byOperation.set(operation, (windows = new Map()));
    }
    return windows;
  }

  /** A ledger holding these entries. */
  static of(entries: Iterable<LedgerEntry>): Ledger {
    const ledger = new Ledger();
    ledger.load(entries);
    return ledger;
  }

  load(entries: Iterable<LedgerEntry>): void {
    for (const entry of entries) {
      if (entry.kind === 'key-use') {
        for (const [resource, time] of Object.entries(entry.lastUsed)) {
          this.noteUsage(entry.keyArn, resource, '', time, false);
          setMax(this.keyUseStored, entry.keyArn, resource, time);
        }
        continue;
      }
      const key = entryKey(entry);
      const before = this.entries.get(key);
      this.entries.set(key, entry);
      if (entry.kind === 'usage') {
        this.usageWindows(entry.keyArn, entry.resource, entry.principal, entry.operation, true)!.set(entry.windowStart, entry);
        this.loadedCounts.set(key, entry.count);
        this.noteUsage(entry.keyArn, entry.resource, entry.principal, entry.lastSeen, false);
      } else {
        // counters are not indexed: loading them (a prefetch per batch or event) leaves protectedBy's cache alone
        this.reindex(key, entry, before);
      }
    }
  }

  /** Usage counters loaded by key after the ledger (see Pipeline.prefetch): those already here keep their counts. */
  loadUsage(entries: Iterable<UsageEntry>): void {
    const fresh = [...entries].filter((entry) => !this.entries.has(entry.key));
    if (fresh.length > 0) this.changes++;
    this.load(fresh);
  }

  /**
   * Counts every change to the entries (an event applied, counters loaded or pruned), saved or not: a ledger kept
   * between invocations is given up when this moved in an invocation that did not save (see PostureCache.release).
   */
  get changeCount(): number {
    return this.changes;
  }

  hasEntry(key: string): boolean {
    return this.entries.has(key);
  }

  private noteUsage(keyArn: string, resource: string, principal: string, time: number, changed = true): void {
    if (principal === '*') return;
    let byResource = this.lastUsedIndex.get(keyArn);
    if (!byResource) this.lastUsedIndex.set(keyArn, (byResource = new Map()));
    if ((byResource.get(resource) ?? 0) >= time) return;
    byResource.set(resource, time);
    // a steady stream of calls rewrites the summary every few minutes, not on every save
    if (changed && !this.dirtyKeyUse.has(keyArn) && time - (this.keyUseStored.get(keyArn)?.get(resource) ?? 0) >= KEY_USE_RESOLUTION_MS) this.dirtyKeyUse.add(keyArn);
  }

  /**
   * The posture as the store holds it after a save: every entry but the usage counters, and each key's last-use
   * summary as last loaded or written (not the newer in-memory times, which the next save compares against).
   */
  storedPosture(): LedgerEntry[] {
    const posture: LedgerEntry[] = [...this.entries.values()].filter((entry) => entry.kind !== 'usage');
    for (const [keyArn, byResource] of this.keyUseStored) posture.push(keyUseEntry(keyArn, byResource));
    return posture;
  }

  /** Keys seen in data-key calls (from the counters or their key-use summaries). */
  usedKeys(): string[] {
    return [...this.lastUsedIndex.keys()];
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

  /** Forgets what changed since the last save, for a ledger that is never saved (a replay without a state file). */
  discardChanges(): void {
    this.dirty.clear();
    this.removed.clear();
    this.dirtyKeyUse.clear();
  }

  /** Entries changed since the last call, for the state store to persist. */
  takeDirty(): LedgerEntry[] {
    const changed: LedgerEntry[] = [];
    for (const key of this.dirty) {
      const entry = this.entries.get(key);
      if (!entry) continue;
      if (entry.kind === 'usage') {
        changed.push({ ...entry, delta: entry.count - (this.loadedCounts.get(key) ?? 0) });
        this.loadedCounts.set(key, entry.count);
      } else {
        changed.push(entry);
      }
    }
    this.dirty.clear();
    for (const keyArn of this.dirtyKeyUse) {
      const summary = keyUseEntry(keyArn, this.lastUsedIndex.get(keyArn) ?? []);
      for (const [resource, time] of Object.entries(summary.lastUsed)) setMax(this.keyUseStored, keyArn, resource, time);
      changed.push(summary);
    }
    this.dirtyKeyUse.clear();
    return changed;
  }

  private get<K extends LedgerEntry['kind']>(key: string, kind: K): Extract<LedgerEntry, { kind: K }> | undefined {
    const entry = this.entries.get(key);
    return entry?.kind === kind ? (entry as Extract<LedgerEntry, { kind: K }>) : undefined;
  }

  tableBucket(arn: string): TableBucketEntry | undefined {
    return this.get(`tb|${arn}`, 'table-bucket');
  }

  /** A table, with an inherited encryption resolved from its bucket's default at the table's creation. */
  table(arn: string): TableEntry | undefined {
    const table = this.get(`t|${arn}`, 'table');
    if (!table?.inherited || table.encryption || !table.createdAt) return table;
    const inherited = this.tableBucketDefaultAt(table.bucketArn, table.createdAt);
    return inherited ? { ...table, encryption: inherited } : table;
  }

  tableBucketDefaultAt(bucketArn: string, at: Version): EncryptionChange['encryption'] | undefined {
    const history = this.tableBucket(bucketArn)?.history ?? [];
    let found: EncryptionChange | undefined;
    for (const change of history) if (compareVersions(change, at) < 0) found = change;
    return found?.encryption;
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

  resolveAlias(aliasArn: string): string | undefined {
    const alias = this.get(`a|${aliasArn}`, 'alias') as AliasEntry | undefined;
    return alias && !alias.deleted ? alias.targetKeyArn : undefined;
  }

  policyEnforcement(kind: PolicyEnforcementEntry['kind'], arn: string): PolicyEnforcementEntry | undefined {
    const entry = this.entries.get(`${kind === 'bucket-policy' ? 'bp' : 'tbp'}|${arn}`);
    return entry?.kind === kind ? entry : undefined;
  }

  /** The key an encryption configuration names, through an alias when it names one. */
  private keyOf(kmsKeyArn: string | undefined): string | undefined {
    if (!kmsKeyArn) return undefined;
    return kmsKeyArn.includes(':alias/') ? this.resolveAlias(kmsKeyArn) ?? kmsKeyArn : kmsKeyArn;
  }

  /** The key that protects an entry now: its own configuration, or for an inheriting table the bucket's default then. */
  private resolvedKeyOf(entry: LedgerEntry): string | undefined {
    if (entry.kind !== 'table-bucket' && entry.kind !== 'table' && entry.kind !== 'bucket') return undefined;
    if ('deleted' in entry && entry.deleted) return undefined;
    const encryption = entry.kind === 'table' && !entry.encryption && entry.inherited && entry.createdAt
      ? this.tableBucketDefaultAt(entry.bucketArn, entry.createdAt)
      : entry.encryption;
    return this.keyOf(encryption?.kmsKeyArn);
  }

  /**
   * Index maintenance: which entries name which key reference (a key or alias ARN), which tables inherit from which
   * table bucket, and which keys appear in each table bucket's default history. protectedBy reads candidates from it
   * instead of scanning every entry.
   */
  private reindex(key: string, entry: LedgerEntry | undefined, before: LedgerEntry | undefined): void {
    if (this.protectedCache.size > 0) this.updateProtected(before, entry);
    const previous = this.indexed.get(key);
    if (previous?.ref) this.keyRefs.get(previous.ref)?.delete(key);
    if (previous?.inheritFrom) this.inheritors.get(previous.inheritFrom)?.delete(key);
    if (previous) this.indexed.delete(key);
    if (!entry || (entry.kind !== 'table-bucket' && entry.kind !== 'table' && entry.kind !== 'bucket')) return;
    const record: { ref?: string; inheritFrom?: string } = {};
    const ref = entry.encryption?.kmsKeyArn;
    if (ref) {
      record.ref = ref;
      addTo(this.keyRefs, ref, key);
    }
    if (entry.kind === 'table' && entry.inherited && !entry.encryption) {
      record.inheritFrom = entry.bucketArn;
      addTo(this.inheritors, entry.bucketArn, key);
    }
    if (entry.kind === 'table-bucket') {
      for (const change of entry.history ?? []) if (change.encryption.kmsKeyArn) addTo(this.historyRefs, change.encryption.kmsKeyArn, entry.arn);
    }
    // only what must be undone later: most tables name no key of their own and inherit nothing
    if (record.ref !== undefined || record.inheritFrom !== undefined) this.indexed.set(key, record);
  }

  /**
   * Keeps protectedBy's answers current through a posture change: a table or bucket that moves from one key to another
   * leaves the first key's answer and joins the second's, in sorted place (recomputing sorted every table of the key
   * again: ~1 ms a key finding with a thousand tables, after each CreateTable). Table bucket defaults and alias moves
   * re-point many entries at once (and are rare): every answer is dropped. Key states, table names, policies and key
   * use are no part of the answers. `before` resolves as it did: alias and default changes never take this path.
   */
  private updateProtected(before: LedgerEntry | undefined, entry: LedgerEntry | undefined): void {
    if (!entry || entry.kind === 'alias' || entry.kind === 'table-bucket') {
      this.protectedCache.clear();
      this.protectedChanges.clear();
      return;
    }
    if (entry.kind !== 'table' && entry.kind !== 'bucket') return;
    const from = before ? this.resolvedKeyOf(before) : undefined;
    const to = this.resolvedKeyOf(entry);
    if (from === to) return;
    const list = entry.kind === 'table' ? 'tables' : 'buckets';
    if (from) this.patchProtected(from, list, entry.arn, false);
    if (to) this.patchProtected(to, list, entry.arn, true);
  }

  private patchProtected(keyArn: string, list: 'tables' | 'buckets', arn: string, member: boolean): void {
    if (!this.protectedCache.has(keyArn)) return;
    let changes = this.protectedChanges.get(keyArn);
    if (!changes) this.protectedChanges.set(keyArn, (changes = { tables: new Map(), buckets: new Map() }));
    changes[list].set(arn, member);
  }

  /** A cached answer with the changes since it was built merged in, in sorted place. */
  private withChanges(cached: CachedProtection, changes: { tables: Map<string, boolean>; buckets: Map<string, boolean> }): CachedProtection {
    const merge = (arns: readonly string[], changed: Map<string, boolean>): readonly string[] => {
      if (changed.size === 0) return arns;
      const left = new Set<string>();
      const joined: string[] = [];
      for (const [arn, member] of changed) {
        if (member) joined.push(arn);
        else left.add(arn);
      }
      // the answers are in default sort order (UTF-16 code units), which < on strings follows: each joining ARN finds
      // its place by binary search, and the runs between are copied whole (a few joins into thousands of tables)
      joined.sort();
      const parts: string[][] = [];
      let from = 0;
      for (const arn of joined) {
        let low = from;
        for (let high = arns.length; low < high;) {
          const middle = (low + high) >>> 1;
          if (arns[middle]! < arn) low = middle + 1;
          else high = middle;
        }
        parts.push(arns.slice(from, low));
        if (arns[low] !== arn) parts.push([arn]);
        from = low;
      }
      parts.push(arns.slice(from));
      const merged = ([] as string[]).concat(...parts);
      return left.size === 0 ? merged : merged.filter((arn) => !left.has(arn));
    };
    return protection(cached.answer.keyArn, cached.tableBuckets, merge(cached.tables, changes.tables), merge(cached.buckets, changes.buckets));
  }

  /** Key references (the key ARN itself and aliases pointing at it) that can stand for this key. */
  private refsFor(keyArn: string): string[] {
    const refs = [keyArn];
    for (const ref of new Set([...this.keyRefs.keys(), ...this.historyRefs.keys()])) {
      if (ref !== keyArn && ref.includes(':alias/') && this.resolveAlias(ref) === keyArn) refs.push(ref);
    }
    return refs;
  }

  /** What the key protects now (sorted ARNs); read-only: the answer is shared until the posture changes. */
  protectedBy(keyArn: string): ProtectedResources {
    const cached = this.protectedCache.get(keyArn);
    if (cached) {
      const changes = this.protectedChanges.get(keyArn);
      if (!changes) return cached.answer;
      this.protectedChanges.delete(keyArn);
      const current = this.withChanges(cached, changes);
      this.protectedCache.set(keyArn, current);
      return current.answer;
    }
    const tableBuckets: string[] = [];
    const tables: string[] = [];
    const buckets: string[] = [];
    const candidates = new Set<string>();
    for (const ref of this.refsFor(keyArn)) {
      for (const key of this.keyRefs.get(ref) ?? []) candidates.add(key);
      for (const bucketArn of this.historyRefs.get(ref) ?? []) for (const key of this.inheritors.get(bucketArn) ?? []) candidates.add(key);
    }
    for (const key of candidates) {
      const entry = this.entries.get(key);
      if (!entry || this.resolvedKeyOf(entry) !== keyArn) continue;
      if (entry.kind === 'table-bucket') tableBuckets.push(entry.arn);
      else if (entry.kind === 'table') tables.push(entry.arn);
      else if (entry.kind === 'bucket') buckets.push(entry.arn);
    }
    const result = protection(keyArn, tableBuckets.sort(), tables.sort(), buckets.sort());
    this.protectedCache.set(keyArn, result);
    return result.answer;
  }

  /** Every key the ledger knows to protect something, with what it protects. */
  keys(): ProtectedResources[] {
    const keys = new Set<string>();
    for (const ref of new Set([...this.keyRefs.keys(), ...this.historyRefs.keys()])) {
      const keyArn = this.keyOf(ref);
      if (keyArn) keys.add(keyArn);
    }
    return [...keys].sort().map((key) => this.protectedBy(key)).filter((p) => p.tableBuckets.length + p.tables.length + p.buckets.length > 0);
  }

  /** When the key was last seen in a data-key call, per resource (from the usage counters). */
  lastUsed(keyArn: string): Map<string, number> {
    return new Map(this.lastUsedIndex.get(keyArn) ?? []);
  }

  latestUses(keyArn: string, limit: number): { resources: number; latest: [string, number][] } {
    const byResource = this.lastUsedIndex.get(keyArn);
    // every key finding asks: the newest without copying and sorting them all
    return byResource ? { resources: byResource.size, latest: newestUses(byResource, limit) } : { resources: 0, latest: [] };
  }

  usage(keyArn: string, resource: string, principal: string, operation: string, windowStart: number): number {
    return this.usageWindows(keyArn, resource, principal, operation, false)?.get(windowStart)?.count ?? 0;
  }

  /**
   * The total count of one (key, resource, principal, operation) over the windows starting in [fromWindow, toWindow)
   * (a baseline of many hours): walks whichever is smaller, the series' windows or the hours asked for.
   */
  usageTotal(keyArn: string, resource: string, principal: string, operation: string, fromWindow: number, toWindow: number): number {
    const windows = this.usageWindows(keyArn, resource, principal, operation, false);
    if (!windows) return 0;
    let total = 0;
    if (windows.size <= (toWindow - fromWindow) / USAGE_WINDOW_MS) {
      for (const entry of windows.values()) if (entry.windowStart >= fromWindow && entry.windowStart < toWindow) total += entry.count;
    } else {
      for (let start = fromWindow; start < toWindow; start += USAGE_WINDOW_MS) total += windows.get(start)?.count ?? 0;
    }
    return total;
  }

  countUsage(keyArn: string, resource: string, principal: string, operation: string, eventTimeMs: number): void {
    const windowStart = usageWindowStart(eventTimeMs);
    const windows = this.usageWindows(keyArn, resource, principal, operation, true)!;
    const existing = windows.get(windowStart);
    if (existing) {
      // in place: the hottest write of a replay; stores get copies (takeDirty) and loaded entries are the ledger's own
      existing.count++;
      if (existing.lastSeen < eventTimeMs) existing.lastSeen = eventTimeMs;
      this.dirty.add(existing.key);
      this.changes++;
    } else {
      const key = usageKey(keyArn, resource, principal, operation, windowStart);
      const entry: UsageEntry = { kind: 'usage', key, keyArn, resource, principal, operation, windowStart, count: 1, lastSeen: eventTimeMs };
      this.entries.set(key, entry);
      windows.set(windowStart, entry);
      this.dirty.add(key);
      this.changes++;
    }
    this.noteUsage(keyArn, resource, principal, eventTimeMs);
  }

  /**
   * Forgets the usage counters (after a save): a ledger kept for the next batch reads them from the store again, as
   * other writers count too. The posture and each key's last uses stay: they are what this ledger saved.
   */
  clearUsage(): void {
    for (const windows of this.usageSeries()) {
      for (const entry of windows.values()) {
        this.entries.delete(entry.key);
        this.dirty.delete(entry.key);
      }
    }
    this.usageIndex.clear();
    this.loadedCounts.clear();
  }

  /** Each (key, resource, principal, operation) series of usage windows, through the counters' own index. */
  private *usageSeries(): Generator<Map<number, UsageEntry>> {
    for (const byResource of this.usageIndex.values()) {
      for (const byPrincipal of byResource.values()) {
        for (const byOperation of byPrincipal.values()) yield* byOperation.values();
      }
    }
  }

  /** Drops usage windows older than the retention horizon, measured from `nowMs`. */
  pruneUsage(nowMs: number): number {
    const horizon = nowMs - USAGE_RETENTION_WINDOWS * USAGE_WINDOW_MS;
    let removed = 0;
    // through the counters' own index: the posture (tens of thousands of tables) is not walked once an hour of a replay
    for (const windows of this.usageSeries()) {
      for (const [windowStart, entry] of windows) {
        if (windowStart >= horizon) continue;
        windows.delete(windowStart);
        this.entries.delete(entry.key);
        this.dirty.delete(entry.key);
        this.removed.add(entry.key);
        this.changes++;
        removed++;
      }
    }
    return removed;
  }

  update<E extends VersionedEntry>(identity: Omit<E, 'version' | 'fieldVersions'> & Pick<E, 'kind'>, patch: Partial<E>, version: Version): void {
    const key = entryKey(identity as unknown as LedgerEntry);
    const existing = this.entries.get(key) as E | undefined;
    // Object.assign, not spread: V8 gives a spread copy a map of its own, and every field then added to it below took
    // the slow path (~6 µs an update against ~1.5 µs; CreateTable is two updates)
    const next = (existing ? Object.assign({}, existing) : Object.assign({}, identity, { version: NO_VERSION })) as E & Record<string, unknown>;
    const fieldVersions: Record<string, Version> = existing?.fieldVersions ? Object.assign({}, existing.fieldVersions) : {};
    let changed = existing === undefined;
    for (const [field, value] of Object.entries(patch)) {
      if (!newer(version, fieldVersions[field])) continue;
      // clearing a field a new entry never had needs no `delete`, which would turn the object into a large dictionary
      if (value !== undefined) next[field] = value;
      else if (field in next) delete next[field];
      fieldVersions[field] = version;
      changed = true;
    }
    if (!changed) return;
    next.fieldVersions = fieldVersions;
    next.version = newer(version, existing?.version) ? version : existing!.version;
    this.entries.set(key, next);
    this.dirty.add(key);
    this.changes++;
    this.reindex(key, next, existing);
  }

  recordBucketDefault(bucketArn: string, change: EncryptionChange): void {
    const key = `tb|${bucketArn}`;
    const existing = this.tableBucket(bucketArn) ?? { kind: 'table-bucket' as const, arn: bucketArn, version: NO_VERSION };
    const history = existing.history ?? [];
    if (history.some((h) => h.eventId === change.eventId && h.time === change.time)) return;
    const merged = [...history, change].sort(compareVersions).slice(-ENCRYPTION_HISTORY_LIMIT);
    const next = { ...existing, history: merged };
    this.entries.set(key, next);
    this.dirty.add(key);
    this.changes++;
    this.reindex(key, next, existing);
  }

  /** Applies a successful event to the posture. Failed calls change nothing. */
  apply(event: CloudTrailEvent): void {
    if (event.errorCode) return;
    APPLIERS[event.eventSource]?.(event, this, { time: event.eventTimeMs, eventId: event.eventId });
  }
}
