import type { LedgerEntry, UsageEntry } from '../../src/correlate/ledger.js';
import { MemoryStateStore } from '../../src/state/memory.js';

/**
 * A memory store that hands out usage counters only by key, as the DynamoDB store does, and can fail its next reads:
 * for the prefetch paths without a DynamoDB server.
 */
export class KeyedUsageStore extends MemoryStateStore {
  failNextLoads = 0;
  readonly asked: string[][] = [];

  override async loadEntries(): Promise<LedgerEntry[]> {
    return (await super.loadEntries()).filter((entry) => entry.kind !== 'usage');
  }

  async loadUsage(keys: readonly string[]): Promise<UsageEntry[]> {
    this.asked.push([...keys]);
    if (this.failNextLoads > 0) {
      this.failNextLoads--;
      throw new Error('ProvisionedThroughputExceededException');
    }
    return keys.flatMap((key) => {
      const entry = this.entries.get(key);
      return entry?.kind === 'usage' ? [structuredClone(entry)] : [];
    });
  }
}
