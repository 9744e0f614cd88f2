import type { LedgerEntry } from '../correlate/ledger.js';
import type { StateStore } from '../state/store.js';

/** How stale a cached view of the posture may be: new tables, keys and policies reach it within this. */
export const POSTURE_MAX_AGE_MS = 60_000;

/**
 * The posture (the state table's Scan) kept between warm invocations of one execution environment, for at most
 * `maxAgeMs`: the usage function runs batch after batch, thousands of data-key events a second, and the processor
 * meets object writes at a similar pace; both read the posture only for context (what a key protects, a bucket's
 * default). Usage counters are not cached (they are read by key, see StateStore.loadUsage); a store that returns them
 * from loadEntries (memory) is read afresh every time.
 */
export class PostureCache {
  private loaded: { at: number; entries: LedgerEntry[] } | undefined;

  constructor(private readonly maxAgeMs = POSTURE_MAX_AGE_MS, private readonly now: () => number = Date.now) {}

  async entries(store: StateStore): Promise<LedgerEntry[]> {
    if (!store.loadUsage) return store.loadEntries();
    if (!this.loaded || this.now() - this.loaded.at > this.maxAgeMs) this.loaded = { at: this.now(), entries: await store.loadEntries() };
    // each invocation's ledger changes its own copy
    return structuredClone(this.loaded.entries);
  }

  /** What this environment saved (Ledger.storedPosture after a save): the next invocations start from it. */
  keep(entries: LedgerEntry[]): void {
    if (this.loaded) this.loaded.entries = structuredClone(entries);
  }
}

/**
 * Data events (S3 object writes, by the thousand in a busy account) only read the posture, and a minute-old view of a
 * bucket's default or policy is good enough to judge an object write: the processor serves them from the cache.
 * Management events change the posture and are judged against a fresh scan.
 */
export function readsCachedPosture(envelope: unknown): boolean {
  const detail = (envelope as { detail?: { eventCategory?: unknown; managementEvent?: unknown } } | null)?.detail;
  return detail?.eventCategory === 'Data' || detail?.managementEvent === false;
}
