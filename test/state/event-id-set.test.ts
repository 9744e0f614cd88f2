import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventIdSet } from '../../src/state/event-id-set.js';

describe('EventIdSet', () => {
  it('behaves exactly like a Set of strings under any sequence of adds, lookups and deletes', () => {
    const uuids = fc.uuid().map((u) => u.toLowerCase());
    // a small pool so that sequences revisit ids; mixed with ids that are not canonical UUIDs
    const ids = fc.array(fc.oneof(uuids, fc.string({ maxLength: 40 }), uuids.map((u) => u.toUpperCase())), { minLength: 1, maxLength: 40 });
    const command = (pool: string[]) => fc.record({ op: fc.constantFrom('add', 'has', 'delete'), index: fc.nat(pool.length - 1) });
    fc.assert(fc.property(ids.chain((pool) => fc.tuple(fc.constant(pool), fc.array(command(pool), { maxLength: 400 }))), ([pool, commands]) => {
      const compact = new EventIdSet();
      const model = new Set<string>();
      for (const { op, index } of commands) {
        const id = pool[index]!;
        if (op === 'add') expect(compact.add(id)).toBe(!model.has(id) && Boolean(model.add(id)));
        else if (op === 'has') expect(compact.has(id)).toBe(model.has(id));
        else expect(compact.delete(id)).toBe(model.delete(id));
        expect(compact.size).toBe(model.size);
      }
    }), { numRuns: 300 });
  });

  it('holds a million event ids exactly, through growth and deletions', () => {
    const set = new EventIdSet();
    const id = (n: number) => `${n.toString(16).padStart(8, '0')}-0000-4000-8000-${(n * 2654435761 >>> 0).toString(16).padStart(12, '0')}`;
    let added = 0;
    for (let n = 0; n < 1_000_000; n++) if (set.add(id(n))) added++;
    expect(added).toBe(1_000_000);
    expect(set.size).toBe(1_000_000);
    for (let n = 0; n < 1_000_000; n += 2) set.delete(id(n));
    let wrong = 0;
    for (let n = 0; n < 1_000_000; n += 7) if (set.has(id(n)) !== (n % 2 === 1)) wrong++;
    expect(wrong).toBe(0);
    expect(set.size).toBe(500_000);
    expect(set.add(id(3))).toBe(false);
    expect(set.add(id(4))).toBe(true);
  });
});

describe('MemoryStateStore with compact event claims (replay)', () => {
  it('claims each event id once for the run, releases on demand, and still expires claims with their own TTL', async () => {
    const { MemoryStateStore } = await import('../../src/state/memory.js');
    const store = new MemoryStateStore(undefined, { compactEventClaims: true });
    const now = Date.parse('2025-01-10T10:00:00Z');
    const id = 'c3000c15-a497-5bee-a423-50acbf5df567';
    expect(await store.claimEvent(id, now)).toBe(true);
    expect(await store.claimEvent(id, now + 1000)).toBe(false);
    expect(await store.claimEvent('sha1-not-a-uuid', now)).toBe(true);
    expect(await store.claimEvent('sha1-not-a-uuid', now)).toBe(false);
    await store.releaseEvent(id);
    expect(await store.claimEvent(id, now + 2000)).toBe(true);
    expect(await store.claimEvent('budget|bucket', now, 3600_000)).toBe(true);
    expect(await store.claimEvent('budget|bucket', now + 3601_000, 3600_000)).toBe(true);
  });
});
