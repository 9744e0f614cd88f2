import type { LedgerEntry, UsageEntry } from '../correlate/ledger.js';
import { KEY_USE_KEY_PREFIX, USAGE_KEY_PREFIX } from '../correlate/ledger-entries.js';

/** At least 24 h: EventBridge retries for up to 24 h and Lambda's async queue for up to 6 h. */
export const DEDUP_TTL_MS = 25 * 60 * 60 * 1000;

/**
 * Where the posture ledger and the dedup markers live between runs or invocations.
 * In-memory (tests, default replay), a local file (replay across runs), DynamoDB (deployed).
 */
export interface StateStore {
  /** Every ledger entry, to hydrate a ledger; usage counters too unless the store has loadUsage. */
  loadEntries(): Promise<LedgerEntry[]>;
  /**
   * Usage counters by key, for a store whose loadEntries leaves them out (DynamoDB: a week of hourly counters per key,
   * resource and principal is too much to read on every invocation). Pipeline.prefetch asks for those events need.
   */
  loadUsage?(keys: readonly string[]): Promise<UsageEntry[]>;
  /** Persists changed entries; an entry replaces the stored one with the same key. */
  saveEntries(entries: readonly LedgerEntry[]): Promise<void>;
  /** Removes entries by key (usage windows past the retention horizon). */
  deleteEntries(keys: readonly string[]): Promise<void>;
  /**
   * Records that an event was processed. Resolves false when the id was already claimed (and its marker has not
   * expired): the caller then produces no finding, alert or remediation for it. `ttlMs` (default DEDUP_TTL_MS) sets
   * how long the marker holds: the remediation budget claims a resource for an hour with it.
   */
  claimEvent(eventId: string, nowMs: number, ttlMs?: number): Promise<boolean>;
  /**
   * claimEvent with the default TTL, answered at once: for stores held in memory, so that a replay's pipeline judges
   * each event without a promise (and a turn of the microtask queue) per event. `eventTimeMs` is the event's own time:
   * a replay's store holds its claims by event time (see MemoryStateStore's compactEventClaims).
   */
  claimEventNow?(eventId: string, nowMs: number, eventTimeMs?: number): boolean;
  /** Forgets a claim, so that a retry of an event whose effects failed is processed again. */
  releaseEvent(eventId: string): Promise<void>;
  /**
   * Adds one to a counter that expires `ttlMs` after `nowMs`, and returns its new value (alert windows count repeats
   * with it; in DynamoDB an atomic ADD, so concurrent processors count each repeat once).
   */
  incrementCounter(key: string, nowMs: number, ttlMs: number): Promise<number>;
  /** A counter's value (0 when absent or expired). */
  readCounter(key: string, nowMs: number): Promise<number>;
  /** Writes anything buffered; a no-op for stores that write through. */
  flush(): Promise<void>;
  /**
   * A number every writer moves on after it changed the posture (usage counters and key-use summaries aside), read
   * strongly consistent: a warm execution environment keeps its copy of the posture while the number holds, instead of
   * reading the whole posture for every management event (see PostureCache). Stores one process owns need none.
   */
  postureRevision?(): Promise<number>;
  /** The revisions this store's own saves moved the posture to since the last call, oldest first (see PostureCache.release). */
  takeOwnPostureRevisions?(): number[];
  /**
   * The posture entries the saves that moved the revision past `from`, up to `to`, wrote: read now, by key (each save
   * records the keys it wrote under the revision it moved to). Undefined when the store cannot tell (a record expired,
   * a save wrote too many keys to record, an entry is gone, or too many revisions apart): the caller scans instead.
   * A copy of the posture at `from` with these entries replaced is the posture at `to` (or later).
   */
  postureChanges?(from: number, to: number): Promise<LedgerEntry[] | undefined>;
}

/** At most this many revisions are caught up on by their records (StateStore.postureChanges); further apart, a scan. */
export const POSTURE_CHANGES_SPAN = 100;
/** At most this many keys a save records for its revision; more (an inventory sweep) and readers scan. */
export const POSTURE_CHANGE_KEYS = 400;

/**
 * The revisions a store's own saves moved the posture to, until taken (StateStore.takeOwnPostureRevisions). Bounded:
 * a function that never takes them (the inventory, the remediator) keeps the last few, and a gap only costs a reader
 * one more scan.
 */
export class OwnRevisions {
  private revisions: number[] = [];

  record(revision: number): void {
    if (this.revisions.length >= 64) this.revisions.shift();
    this.revisions.push(revision);
  }

  take(): number[] {
    const taken = this.revisions;
    this.revisions = [];
    return taken;
  }
}

/**
 * Whether saving or deleting this entry changes the posture others judge against. Usage counters are read by key, and
 * key-use summaries (the last use of each key, rewritten every few minutes by the usage function) may lag by the
 * cache's age: neither moves the revision.
 */
export function movesPosture(entry: Pick<LedgerEntry, 'kind'>): boolean {
  return entry.kind !== 'usage' && entry.kind !== 'key-use';
}

/** movesPosture for an entry key (entryKey). */
export function keyMovesPosture(key: string): boolean {
  return !key.startsWith(USAGE_KEY_PREFIX) && !key.startsWith(KEY_USE_KEY_PREFIX);
}
