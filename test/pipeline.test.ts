import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Pipeline } from '../src/pipeline.js';
import { policyFromInput } from '../src/policy/load.js';
import { MemoryStateStore } from '../src/state/memory.js';
import type { LedgerEntry } from '../src/correlate/ledger-entries.js';
import { collect, EVENTS } from './helpers.js';
import { KeyedUsageStore } from './state/keyed-usage-store.js';

class FailingSaves extends MemoryStateStore {
  override async saveEntries(_entries: readonly LedgerEntry[]): Promise<void> {
    throw new Error('ProvisionedThroughputExceededException');
  }
}

async function events() {
  const items = await collect([join(EVENTS, 'kms', 'DisableKey.json'), join(EVENTS, 'kms', 'ScheduleKeyDeletion.json')]);
  return items.flatMap((item) => (item.kind === 'event' ? [item.event] : []));
}

describe('Pipeline.save', () => {
  it('releases the claims of the events since the last save when the save fails, so their retry is processed', async () => {
    const store = new FailingSaves();
    const pipeline = await Pipeline.create({ policy: policyFromInput(), store });
    const batch = await events();
    for (const event of batch) expect((await pipeline.process(event)).duplicate).toBe(false);
    await expect(pipeline.save()).rejects.toThrow('ProvisionedThroughputExceededException');
    for (const event of batch) expect((await pipeline.process(event)).duplicate).toBe(false);
  });

  it('keeps no list of claims when told not to release them (replay: the list would grow with every record)', async () => {
    const store = new FailingSaves();
    const pipeline = await Pipeline.create({ policy: policyFromInput(), store, releaseClaimsOnFailedSave: false });
    const batch = await events();
    for (const event of batch) await pipeline.process(event);
    await expect(pipeline.save()).rejects.toThrow();
    for (const event of batch) expect((await pipeline.process(event)).duplicate).toBe(true);
  });

  it('releases the claim of an event whose usage counters could not be read, and asks for them again', async () => {
    const store = new KeyedUsageStore();
    const pipeline = await Pipeline.create({ policy: policyFromInput(), store });
    const [decrypt] = (await collect([join(EVENTS, 'kms', 'Decrypt.cross-account.json')])).flatMap((item) => (item.kind === 'event' ? [item.event] : []));
    store.failNextLoads = 1;
    await expect(pipeline.process(decrypt!)).rejects.toThrow('ProvisionedThroughputExceededException');
    const retry = await pipeline.process(decrypt!);
    expect(retry.duplicate).toBe(false);
    expect(store.asked).toHaveLength(2);
    expect(store.asked[1]).toEqual(store.asked[0]);
  });
});

describe('Pipeline.process', () => {
  it('answers at once for a store that claims in memory, and judges the same as through a store that answers later', async () => {
    const batch = await events();
    const now = await Pipeline.create({ policy: policyFromInput(), store: new MemoryStateStore() });
    const memory = new MemoryStateStore();
    // the same store seen only through the StateStore promises (as a DynamoDB store is)
    const later = await Pipeline.create({
      policy: policyFromInput(),
      store: {
        loadEntries: () => memory.loadEntries(), saveEntries: (e) => memory.saveEntries(e), deleteEntries: (k) => memory.deleteEntries(k),
        claimEvent: (id, at, ttl) => memory.claimEvent(id, at, ttl), releaseEvent: (id) => memory.releaseEvent(id),
        incrementCounter: (k, at, ttl) => memory.incrementCounter(k, at, ttl), readCounter: (k, at) => memory.readCounter(k, at), flush: () => memory.flush(),
      },
    });
    for (const event of [...batch, batch[0]!]) {
      const immediate = now.process(event);
      const pending = later.process(event);
      expect(immediate).not.toBeInstanceOf(Promise);
      expect(pending).toBeInstanceOf(Promise);
      expect(immediate).toEqual(await pending);
    }
    expect((now.process(batch[0]!) as { duplicate: boolean }).duplicate).toBe(true);
    expect(now.ledger.storedPosture()).toEqual(later.ledger.storedPosture());
  });
});
