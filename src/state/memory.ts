import { entryKey, type LedgerEntry } from '../correlate/ledger.js';
import { mergeEntry } from './merge.js';
import { EventTimeClaims } from './event-time-claims.js';
import { DEDUP_TTL_MS, keyMovesPosture, movesPosture, OwnRevisions, POSTURE_CHANGE_KEYS, POSTURE_CHANGES_SPAN, type StateStore } from './store.js';

export class MemoryStateStore implements StateStore {
  protected readonly entries = new Map<string, LedgerEntry>();
  /** eventId → marker expiry (epoch ms). */
  protected readonly claims = new Map<string, number>();
  protected readonly counters = new Map<string, { value: number; expiresAt: number }>();

  /** See StateStore.postureRevision: moved on by every save or delete that changes the posture. */
  private revision = 0;
  private readonly ownRevisions = new OwnRevisions();
  /** The keys each of the last revisions' saves wrote (see postureChanges); undefined: too many to record. */
  private readonly changes = new Map<number, readonly string[] | undefined>();
  /** Default-TTL claims of a replay, 16 bytes an event id, held by event time (see EventTimeClaims). */
  private readonly compactClaims: EventTimeClaims | undefined;

  constructor(
    private readonly dedupTtlMs = DEDUP_TTL_MS,
    /**
     * compactEventClaims: a replay's claims are held compactly and by event time, not wall-clock time (a run takes
     * minutes, its log files span months): the spans of event time used last are kept, a TTL each, so a replay of
     * months of log files keeps a few days of markers.
     */
    options: { compactEventClaims?: boolean } = {},
  ) {
    this.compactClaims = options.compactEventClaims ? new EventTimeClaims(dedupTtlMs) : undefined;
  }

  async loadEntries(): Promise<LedgerEntry[]> {
    return [...this.entries.values()].map((entry) => structuredClone(entry));
  }

  /** Merges: newest field versions win, usage deltas add (see mergeEntry). */
  async saveEntries(entries: readonly LedgerEntry[]): Promise<void> {
    for (const entry of entries) {
      const key = entryKey(entry);
      this.entries.set(key, structuredClone(mergeEntry(this.entries.get(key), entry)));
    }
    const moved = entries.filter(movesPosture);
    if (moved.length > 0) this.movePosture(moved.map(entryKey));
  }

  /** Puts entries back exactly as they were stored (no merge): for loading a saved state. */
  protected restore(entries: readonly LedgerEntry[]): void {
    for (const entry of entries) this.entries.set(entryKey(entry), entry);
  }

  async deleteEntries(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.entries.delete(key);
    const moved = keys.filter(keyMovesPosture);
    if (moved.length > 0) this.movePosture(moved);
  }

  async postureRevision(): Promise<number> {
    return this.revision;
  }

  takeOwnPostureRevisions(): number[] {
    return this.ownRevisions.take();
  }

  async postureChanges(from: number, to: number): Promise<LedgerEntry[] | undefined> {
    if (to - from > POSTURE_CHANGES_SPAN) return undefined;
    const keys = new Set<string>();
    for (let revision = from + 1; revision <= to; revision++) {
      const written = this.changes.get(revision);
      if (!written) return undefined;
      for (const key of written) keys.add(key);
    }
    const entries: LedgerEntry[] = [];
    for (const key of keys) {
      const entry = this.entries.get(key);
      if (!entry) return undefined;
      entries.push(structuredClone(entry));
    }
    return entries;
  }

  private movePosture(keys: readonly string[]): void {
    this.ownRevisions.record(++this.revision);
    this.changes.set(this.revision, keys.length <= POSTURE_CHANGE_KEYS ? keys : undefined);
    this.changes.delete(this.revision - 2 * POSTURE_CHANGES_SPAN);
  }

  async claimEvent(eventId: string, nowMs: number, ttlMs = this.dedupTtlMs): Promise<boolean> {
    if (ttlMs === this.dedupTtlMs) return this.claimEventNow(eventId, nowMs);
    return this.claimFor(eventId, nowMs, ttlMs);
  }

  claimEventNow(eventId: string, nowMs: number, eventTimeMs = nowMs): boolean {
    if (this.compactClaims) return this.compactClaims.add(eventId, eventTimeMs);
    return this.claimFor(eventId, nowMs, this.dedupTtlMs);
  }

  private claimFor(eventId: string, nowMs: number, ttlMs: number): boolean {
    const expiry = this.claims.get(eventId);
    if (expiry !== undefined && expiry > nowMs) return false;
    this.claims.set(eventId, nowMs + ttlMs);
    return true;
  }

  async releaseEvent(eventId: string): Promise<void> {
    this.claims.delete(eventId);
    this.compactClaims?.delete(eventId);
  }

  async incrementCounter(key: string, nowMs: number, ttlMs: number): Promise<number> {
    const current = this.counters.get(key);
    const value = current && current.expiresAt > nowMs ? current.value + 1 : 1;
    this.counters.set(key, { value, expiresAt: Math.max(current?.expiresAt ?? 0, nowMs + ttlMs) });
    return value;
  }

  async readCounter(key: string, nowMs: number): Promise<number> {
    const current = this.counters.get(key);
    return current && current.expiresAt > nowMs ? current.value : 0;
  }

  async flush(): Promise<void> {}
}
