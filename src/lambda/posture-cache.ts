import { Ledger, type LedgerEntry } from '../correlate/ledger.js';
import type { StateStore } from '../state/store.js';
import { deepFreeze } from '../util/deep-freeze.js';

/** How stale a cached view of the posture may be for data events: new tables, keys and policies reach it within this. */
export const POSTURE_MAX_AGE_MS = 60_000;
/**
 * How long a copy checked against the posture revision is trusted at most: a writer that died between its writes and
 * moving the revision, and key-use summaries (which do not move it), reach every environment within this.
 */
export const REVISED_POSTURE_MAX_AGE_MS = 5 * 60_000;

/** A ledger shared between invocations, with its change count when it was handed out. */
export interface SharedLedger {
  ledger: Ledger;
  changeCount: number;
}

interface Loaded {
  at: number;
  /** The store's posture revision this copy reflects; undefined when it was read without asking (data events). */
  revision: number | undefined;
  entries: readonly LedgerEntry[];
}

/**
 * The posture (the state table's Scan) kept between warm invocations of one execution environment. Data events read
 * it for context and take a copy up to `maxAgeMs` old. Management events change the posture and must see every other
 * environment's changes: they ask the store's posture revision (one strongly consistent read) and scan again only when
 * it moved. Usage counters are not cached (they are read by key, see StateStore.loadUsage); a store that returns them
 * from loadEntries (memory) is read afresh every time.
 *
 * Every invocation reads the same entries: a ledger never changes a posture entry in place (it replaces it, see
 * Ledger.update), and frozen they throw rather than let one invocation's change leak into the next. A copy for each
 * (structuredClone) was most of a warm invocation's time: ~4 ms for 1,000 entries, 33 ms for 10,000, twice.
 */
export class PostureCache {
  private loaded: Loaded | undefined;
  private shared: { entries: readonly LedgerEntry[]; ledger: Ledger } | undefined;

  constructor(
    private readonly maxAgeMs = POSTURE_MAX_AGE_MS,
    private readonly now: () => number = Date.now,
    private readonly revisedMaxAgeMs = REVISED_POSTURE_MAX_AGE_MS,
  ) {}

  /** For data events: a copy at most `maxAgeMs` old. */
  async entries(store: StateStore): Promise<readonly LedgerEntry[]> {
    if (!store.loadUsage) return store.loadEntries();
    // see current(): keep() must meet only this invocation's own moves
    store.takeOwnPostureRevisions?.();
    if (!this.loaded || this.now() - this.loaded.at > this.maxAgeMs) this.loaded = { at: this.now(), revision: undefined, entries: deepFreeze(await store.loadEntries()) };
    return this.loaded.entries;
  }

  /**
   * For data events and the usage function's batches, which read the posture and count usage: one ledger built from the
   * copy entries() hands out, kept from one invocation to the next until that copy changes (a new scan, or what a
   * management event kept) or an invocation that changed it failed to save. Each built its own before, a cost that grew
   * with the posture (~7 ms for 10,000 entries, 130 ms for 100,000). Undefined for a store whose posture is read afresh
   * every time. Give it back with release().
   */
  async sharedLedger(store: StateStore): Promise<SharedLedger | undefined> {
    if (!store.loadUsage) return undefined;
    const entries = await this.entries(store);
    if (this.shared?.entries !== entries) {
      const ledger = new Ledger();
      ledger.load(entries);
      this.shared = { entries, ledger };
    }
    return { ledger: this.shared.ledger, changeCount: this.shared.ledger.changeCount };
  }

  /**
   * After the invocation. Saved, the ledger holds the posture as the store does after that save (the copy's and its
   * own changes) and is kept, its usage counters forgotten (the next batch reads them again). Not saved, a ledger that
   * changed is built anew from the copy.
   */
  release(shared: SharedLedger, saved: boolean): void {
    if (this.shared?.ledger !== shared.ledger) return;
    if (saved) shared.ledger.clearUsage();
    else if (shared.ledger.changeCount !== shared.changeCount) this.shared = undefined;
  }

  /** For management events: the posture as every writer left it (a scan only when the revision moved). */
  async current(store: StateStore): Promise<readonly LedgerEntry[]> {
    if (!store.loadUsage || !store.postureRevision) return store.loadEntries();
    // moves an earlier invocation made and never kept (it failed after its save): its writes are not in this copy, so
    // they must not pass for this invocation's own; the number read next includes them
    store.takeOwnPostureRevisions?.();
    // read before the scan: a write that lands during the scan moves the revision past this, and the next event rescans
    const revision = await store.postureRevision();
    const loaded = this.loaded;
    if (loaded && loaded.revision === revision && this.now() - loaded.at <= this.revisedMaxAgeMs) return loaded.entries;
    this.loaded = { at: this.now(), revision, entries: deepFreeze(await store.loadEntries()) };
    return this.loaded.entries;
  }

  /**
   * What this environment saved (Ledger.storedPosture after a save), with the revisions its own saves moved the posture
   * to: the next invocations start from it. When those revisions follow the copy's own one by one, no other writer came
   * in between and the copy stays current; otherwise only data events may still use it.
   */
  keep(entries: LedgerEntry[], ownRevisions: readonly number[] = []): void {
    if (!this.loaded) return;
    let revision = this.loaded.revision;
    for (const next of ownRevisions) revision = revision !== undefined && next === revision + 1 ? next : undefined;
    // the entries this invocation's ledger made are frozen too; those it read are already
    this.loaded = { at: this.loaded.at, revision, entries: deepFreeze(entries) };
  }
}

/**
 * Data events (S3 object writes, by the thousand in a busy account) only read the posture, and a minute-old view of a
 * bucket's default or policy is good enough to judge an object write: the processor serves them from the cache.
 * Management events change the posture and are judged against it as the store holds it (PostureCache.current).
 */
export function readsCachedPosture(envelope: unknown): boolean {
  const detail = (envelope as { detail?: { eventCategory?: unknown; managementEvent?: unknown } } | null)?.detail;
  return detail?.eventCategory === 'Data' || detail?.managementEvent === false;
}
