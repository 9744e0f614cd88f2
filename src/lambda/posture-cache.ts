import { entryKey, Ledger, type LedgerEntry } from '../correlate/ledger.js';
import type { StateStore } from '../state/store.js';
import { deepFreeze } from '../util/deep-freeze.js';

/**
 * How stale a cached view of the posture may be for data events: new tables, keys and policies reach it within this.
 * After it, the copy is checked against the posture revision (one read), and scanned again only when that moved.
 */
export const POSTURE_MAX_AGE_MS = 60_000;
/**
 * How long a copy checked against the posture revision is trusted at most: a writer that died between its writes and
 * moving the revision, and key-use summaries (which do not move it), reach every environment within this.
 */
export const REVISED_POSTURE_MAX_AGE_MS = 5 * 60_000;

/** A ledger handed to an invocation (see PostureCache.lease), with its change count then. */
export interface LedgerLease {
  ledger: Ledger;
  changeCount: number;
}

/** The copy's revision after its own environment's saves moved the posture: current while they follow it one by one. */
function followed(revision: number | undefined, ownRevisions: readonly number[]): number | undefined {
  for (const next of ownRevisions) revision = revision !== undefined && next === revision + 1 ? next : undefined;
  return revision;
}

interface Loaded {
  /** When it was scanned. */
  at: number;
  /** When its revision was last found current (or it was scanned). */
  checkedAt: number;
  /** The store's posture revision this copy reflects; undefined when the store keeps none or a gap lost it. */
  revision: number | undefined;
  entries: readonly LedgerEntry[];
}

/** How the posture was read since the last PostureCache.takeReads (for the functions' metrics). */
export interface PostureReads {
  /** Whole-posture scans (a cold start, a copy too old or too far behind). */
  scans: number;
  /** Copies brought up to date by reading what other writers changed. */
  catchUps: number;
}

/**
 * The posture (the state table's Scan) kept between warm invocations of one execution environment. Management events
 * change the posture and must see every other environment's changes: they ask the store's posture revision (one
 * strongly consistent read) and, when it moved, read what the saves since wrote (StateStore.postureChanges), or scan
 * when the store cannot tell. Data events read it for context and ask the revision at most once every `maxAgeMs`.
 * Either trusts a copy `revisedMaxAgeMs` after its scan at most. Usage counters are not cached (they are read by key,
 * see StateStore.loadUsage); a store that returns them from loadEntries (memory) is read afresh every time.
 *
 * The invocations lease one ledger built from that copy and give it back (lease, release): kept while every invocation
 * that changed it saved, so a warm invocation neither copies nor rebuilds the posture (a structuredClone in and out of
 * each was most of its time: ~4 ms for 1,000 entries, 33 ms for 10,000, twice). The copy is frozen: a ledger never
 * changes a posture entry in place (it replaces it, see Ledger.update), and one that tried would throw instead of
 * changing the copy a ledger is built anew from.
 */
export class PostureCache {
  private loaded: Loaded | undefined;
  private reads: PostureReads = { scans: 0, catchUps: 0 };
  private shared: { entries: readonly LedgerEntry[]; ledger: Ledger } | undefined;

  constructor(
    private readonly maxAgeMs = POSTURE_MAX_AGE_MS,
    private readonly now: () => number = Date.now,
    private readonly revisedMaxAgeMs = REVISED_POSTURE_MAX_AGE_MS,
  ) {}

  /**
   * For data events: a copy found current at most `maxAgeMs` ago. An older one is checked against the posture revision
   * (one read) and kept while that holds, up to `revisedMaxAgeMs` after its scan: a warm usage or processor
   * environment scanned the whole state table every minute before, now once in five when nothing changes.
   */
  async entries(store: StateStore): Promise<readonly LedgerEntry[]> {
    if (!store.loadUsage) return store.loadEntries();
    // see current(): release() must meet only this invocation's own moves
    store.takeOwnPostureRevisions?.();
    const loaded = this.loaded;
    const now = this.now();
    if (loaded && now - loaded.checkedAt <= this.maxAgeMs && now - loaded.at <= this.revisedMaxAgeMs) return loaded.entries;
    const revision = await store.postureRevision?.();
    return this.confirmOrScan(store, revision);
  }

  /**
   * The ledger an invocation starts from, built from the posture as entries() (data events, usage batches) or current()
   * (management events) hands it out, and kept from one invocation to the next while that copy stands (no new scan)
   * and every invocation that changed it saved (see release). Each invocation built its own before: a cost that grew
   * with the posture (~7 ms for 10,000 entries, 130 ms for 100,000). A store whose posture is read afresh every time
   * (memory) gets a ledger of its own each time. Give it back with release().
   */
  async lease(store: StateStore, kind: 'current' | 'cached'): Promise<LedgerLease> {
    const entries = kind === 'current' ? await this.current(store) : await this.entries(store);
    // the invocation's own: release() finds it is not the kept one
    if (!store.loadUsage) return { ledger: Ledger.of(entries), changeCount: 0 };
    if (this.shared?.entries !== entries) this.shared = { entries, ledger: Ledger.of(entries) };
    return { ledger: this.shared.ledger, changeCount: this.shared.ledger.changeCount };
  }

  /**
   * After the invocation, with the posture revisions its save moved. Saved, the ledger holds the posture as the store
   * does after that save and is kept, its usage counters forgotten (the next batch reads them from the table, where
   * other environments count too); the copy's revision follows the invocation's own moves: when they follow it one by
   * one, no other writer came in between and the copy stays current, otherwise the next look catches up on what was
   * written since the revision before them (postureChanges; a scan when the store cannot tell). Not
   * saved, a ledger that changed is given up, and the copy with it: the ledger held what earlier invocations saved
   * since the scan.
   */
  release(lease: LedgerLease, saved: boolean, ownRevisions: readonly number[] = []): void {
    if (this.shared?.ledger !== lease.ledger) return;
    if (saved) {
      lease.ledger.clearUsage();
      // another writer came in between: the copy and ledger still hold all up to the revision before these moves, and
      // the next look catches up from there (what these saves wrote is read again with the rest)
      if (this.loaded) this.loaded = { ...this.loaded, revision: followed(this.loaded.revision, ownRevisions) ?? this.loaded.revision };
    } else if (lease.ledger.changeCount !== lease.changeCount) {
      this.shared = undefined;
      this.loaded = undefined;
    }
  }

  /**
   * One invocation's work on a leased ledger: `work` starts its pipeline with the `ledger` it is given (read beside its
   * claims) and says whether it saved; the ledger is given back then, or unsaved when `work` throws.
   */
  async withLease<T>(store: StateStore, kind: 'current' | 'cached', work: (ledger: () => Promise<Ledger>) => Promise<{ value: T; saved: boolean }>): Promise<T> {
    let lease: LedgerLease | undefined;
    let saved = false;
    try {
      const done = await work(async () => (lease = await this.lease(store, kind)).ledger);
      saved = done.saved;
      return done.value;
    } finally {
      if (lease) this.release(lease, saved, store.takeOwnPostureRevisions?.());
    }
  }

  /** For management events: the posture as every writer left it (a scan only when the revision moved). */
  async current(store: StateStore): Promise<readonly LedgerEntry[]> {
    if (!store.loadUsage || !store.postureRevision) return store.loadEntries();
    // moves an earlier invocation made and never released (it failed after its save): its writes are not in this copy, so
    // they must not pass for this invocation's own; the number read next includes them
    store.takeOwnPostureRevisions?.();
    return this.confirmOrScan(store, await store.postureRevision());
  }

  /**
   * The copy while `revision` (read before any scan: a write that lands during the scan moves the revision past it, and
   * the next look catches up on it) is the one it reflects and it is young enough; the copy caught up when the store can
   * say what changed since; else a new scan.
   */
  private async confirmOrScan(store: StateStore, revision: number | undefined): Promise<readonly LedgerEntry[]> {
    const loaded = this.loaded;
    const now = this.now();
    const young = loaded !== undefined && now - loaded.at <= this.revisedMaxAgeMs;
    if (young && revision !== undefined && loaded.revision === revision) {
      this.loaded = { ...loaded, checkedAt: now };
      return loaded.entries;
    }
    // a few revisions behind: what those saves wrote, read by key, instead of the whole posture
    if (young && revision !== undefined && loaded.revision !== undefined && revision > loaded.revision && store.postureChanges) {
      const changed = await store.postureChanges(loaded.revision, revision);
      if (changed) {
        this.reads.catchUps++;
        return this.catchUp(loaded, changed, revision, now);
      }
    }
    this.reads.scans++;
    this.loaded = { at: now, checkedAt: now, revision, entries: deepFreeze(await store.loadEntries()) };
    return this.loaded.entries;
  }

  /** The scans and catch-ups since the last call (a function reports them with each invocation). */
  takeReads(): PostureReads {
    const reads = this.reads;
    this.reads = { scans: 0, catchUps: 0 };
    return reads;
  }

  /**
   * The copy with the changed entries in place of the old, at the new revision (its scan time kept: the age bound
   * counts from the scan). The kept ledger, built from the copy and holding only what its own saves wrote since, loads
   * them too: rebuilding it from the whole copy cost ~7 ms for 10,000 entries.
   */
  private catchUp(loaded: Loaded, changed: LedgerEntry[], revision: number, now: number): readonly LedgerEntry[] {
    const byKey = new Map(changed.map((entry) => [entryKey(entry), deepFreeze(entry)]));
    const entries: LedgerEntry[] = [];
    for (const entry of loaded.entries) {
      const key = entryKey(entry);
      const replaced = byKey.get(key);
      entries.push(replaced ?? entry);
      byKey.delete(key);
    }
    for (const added of byKey.values()) entries.push(added);
    const frozen = Object.freeze(entries);
    if (this.shared?.entries === loaded.entries) {
      this.shared.ledger.load(changed);
      this.shared = { entries: frozen, ledger: this.shared.ledger };
    }
    this.loaded = { at: loaded.at, checkedAt: now, revision, entries: frozen };
    return frozen;
  }
}

/**
 * Data events (S3 object writes, by the thousand in a busy account) only read the posture, and a view checked a minute
 * ago of a bucket's default or policy is good enough to judge an object write: the processor serves them from the cache.
 * Management events change the posture and are judged against it as the store holds it (PostureCache.current).
 */
export function readsCachedPosture(envelope: unknown): boolean {
  const detail = (envelope as { detail?: { eventCategory?: unknown; managementEvent?: unknown } } | null)?.detail;
  return detail?.eventCategory === 'Data' || detail?.managementEvent === false;
}
