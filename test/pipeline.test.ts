import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Pipeline, type EventOutcome } from '../src/pipeline.js';
import { policyFromInput } from '../src/policy/load.js';
import { MemoryStateStore } from '../src/state/memory.js';
import type { LedgerEntry } from '../src/correlate/ledger-entries.js';
import { collect, EVENTS, record } from './helpers.js';
import { normalizeValue } from '../src/events/normalize.js';
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

describe('Pipeline with nothing to save (replay without a state file)', () => {
  /** `perHour` Decrypts an hour for `days` days, of the same principal, key and object (one usage series). */
  async function hourlyDecrypts(days: number, perHour = 1) {
    const [template] = (await collect([join(EVENTS, 'kms', 'Decrypt.cross-account.json')])).flatMap((item) => (item.kind === 'event' ? [item.event] : []));
    const start = Date.parse('2025-01-01T00:00:00Z');
    return Array.from({ length: days * 24 * perHour }, (_, n) => {
      const time = start + Math.floor(n / perHour) * 3600_000 + (n % perHour);
      return { ...template!, eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, eventTimeMs: time, eventTime: new Date(time).toISOString() };
    });
  }
  const counters = (pipeline: Pipeline) => pipeline.ledger.all().filter((entry) => entry.kind === 'usage').length;

  it('drops usage windows past retention as event time moves on and keeps no changes for a save', async () => {
    const decrypts = await hourlyDecrypts(30);
    const kept = await Pipeline.create({ policy: policyFromInput(), store: new MemoryStateStore(), releaseClaimsOnFailedSave: false });
    const dropped = await Pipeline.create({ policy: policyFromInput(), store: new MemoryStateStore(), releaseClaimsOnFailedSave: false, neverSaved: true });
    for (const event of decrypts) {
      kept.process(event);
      dropped.process(event);
    }
    // the object-level counter and the principal's Decrypt counter, for every hour of the month
    expect(counters(kept)).toBe(2 * 30 * 24);
    // a week (the retention) and the window being counted, at most
    expect(counters(dropped)).toBeLessThanOrEqual(2 * (24 * 7 + 1));
    expect(counters(dropped)).toBeGreaterThanOrEqual(2 * 24 * 7);
    // what changed since the last pruning only (at most an hour of event time), nothing pruned waiting to be deleted
    expect(dropped.ledger.takeDirty().filter((entry) => entry.kind === 'usage').length).toBeLessThanOrEqual(2);
    expect(dropped.ledger.takeRemoved()).toEqual([]);
  });

  it('judges the last week as a pipeline that keeps every counter does', async () => {
    // 30 an hour: the spike threshold is 10 × the baseline (300), above the minimum (100), so it depends on the baseline
    const decrypts = await hourlyDecrypts(30, 30);
    const kept = await Pipeline.create({ policy: policyFromInput(), store: new MemoryStateStore(), releaseClaimsOnFailedSave: false });
    const dropped = await Pipeline.create({ policy: policyFromInput(), store: new MemoryStateStore(), releaseClaimsOnFailedSave: false, neverSaved: true });
    for (const event of decrypts) {
      kept.process(event);
      dropped.process(event);
    }
    const last = decrypts.at(-1)!;
    const spike = Array.from({ length: 400 }, (_, i) => ({ ...last, eventId: `00000000-0000-4000-9000-${String(i).padStart(12, '0')}` }));
    const findings = (pipeline: Pipeline) => spike.flatMap((event) => (pipeline.process(event) as EventOutcome).findings);
    const fromKept = findings(kept);
    expect(fromKept.find((f) => f.ruleId === 'kms.decrypt-spike')?.current).toEqual({ decryptsThisHour: 300, baselinePerHour: 30, threshold: 300 });
    expect(findings(dropped)).toEqual(fromKept);
  });

  it('holds the claims of a replay by event time: a late copy is refused, an event of weeks before is not remembered', async () => {
    const decrypts = await hourlyDecrypts(30);
    const store = new MemoryStateStore(undefined, { compactEventClaims: true });
    const pipeline = await Pipeline.create({ policy: policyFromInput(), store, releaseClaimsOnFailedSave: false, neverSaved: true });
    for (const event of decrypts) pipeline.process(event);
    expect((pipeline.process(decrypts.at(-30)!) as EventOutcome).duplicate).toBe(true);
    expect((pipeline.process(decrypts[0]!) as EventOutcome).duplicate).toBe(false);
  });
});

/** A store whose claims answer later (as DynamoDB's do), counting the most claims in flight at once. */
class SlowClaims extends KeyedUsageStore {
  inFlight = 0;
  mostInFlight = 0;
  claimCalls = 0;
  failClaimOf: string | undefined;

  override async claimEvent(eventId: string, nowMs: number, ttlMs?: number): Promise<boolean> {
    this.claimCalls++;
    this.inFlight++;
    this.mostInFlight = Math.max(this.mostInFlight, this.inFlight);
    await new Promise((resolve) => setTimeout(resolve, 2));
    this.inFlight--;
    if (eventId === this.failClaimOf) throw new Error('ProvisionedThroughputExceededException');
    return super.claimEvent(eventId, nowMs, ttlMs);
  }
}

async function decrypts(count: number) {
  const [decrypt] = (await collect([join(EVENTS, 'kms', 'Decrypt.cross-account.json')])).flatMap((item) => (item.kind === 'event' ? [item.event] : []));
  return Array.from({ length: count }, (_, i) => ({ ...decrypt!, eventId: `c0000000-0000-4000-8000-${String(i).padStart(12, '0')}` }));
}

describe('Pipeline.claimAhead', () => {
  it('claims a batch with its requests in flight together, then judges each in order without claiming it again', async () => {
    const store = new SlowClaims();
    const pipeline = await Pipeline.create({ policy: policyFromInput(), store });
    const batch = await decrypts(40);
    // a repeat of an id within the batch is its own event: it meets the claim its own request lost
    const repeat = { ...batch[3]! };
    await pipeline.claimAhead([...batch, repeat]);
    expect(store.claimCalls).toBe(41);
    expect(store.mostInFlight).toBeGreaterThan(1);
    const outcomes = [];
    for (const event of [...batch, repeat]) outcomes.push(await pipeline.process(event));
    expect(store.claimCalls).toBe(41);
    expect(outcomes.map((o) => o.duplicate)).toEqual([...batch.map(() => false), true]);
    // an event not claimed ahead is claimed when judged
    expect((await pipeline.process(batch[0]!)).duplicate).toBe(true);
    expect(store.claimCalls).toBe(42);
  });

  it('prepares a batch (counters and claims at once), and releases the claims when its counters cannot be read', async () => {
    const store = new SlowClaims();
    const pipeline = await Pipeline.create({ policy: policyFromInput(), store });
    const batch = await decrypts(10);
    store.failNextLoads = 1;
    await expect(pipeline.prepare(batch)).rejects.toThrow('ProvisionedThroughputExceededException');
    expect((await Promise.all(batch.map((event) => store.claimEvent(event.eventId, Date.now())))).every(Boolean)).toBe(true);
    const fresh = new SlowClaims();
    const ready = await Pipeline.create({ policy: policyFromInput(), store: fresh });
    await ready.prepare(batch);
    expect(fresh.asked).toHaveLength(1);
    for (const event of batch) expect((await ready.process(event)).duplicate).toBe(false);
    expect(fresh.claimCalls).toBe(10);
  });

  it('releases the claims of events that were not judged after all, and those made when one claim failed', async () => {
    const store = new SlowClaims();
    const pipeline = await Pipeline.create({ policy: policyFromInput(), store });
    const batch = await decrypts(10);
    await pipeline.claimAhead(batch);
    for (const event of batch.slice(0, 4)) await pipeline.process(event);
    await pipeline.releaseUnjudged();
    // the six never judged can be claimed again (their retry is processed), the four judged cannot
    const again = await Promise.all(batch.map((event) => store.claimEvent(event.eventId, Date.now())));
    expect(again).toEqual([false, false, false, false, true, true, true, true, true, true]);

    const failing = new SlowClaims();
    const other = await Pipeline.create({ policy: policyFromInput(), store: failing });
    failing.failClaimOf = batch[5]!.eventId;
    await expect(other.claimAhead(batch)).rejects.toThrow('ProvisionedThroughputExceededException');
    failing.failClaimOf = undefined;
    expect((await Promise.all(batch.map((event) => failing.claimEvent(event.eventId, Date.now())))).every(Boolean)).toBe(true);
  });
});

describe('events no rule reads and the ledger does not learn from', () => {
  const of = (overrides: Record<string, unknown>) => {
    const [item] = normalizeValue(record(overrides), { source: 'test' });
    if (item?.kind !== 'event') throw new Error('fixture');
    return item.event;
  };
  // most of a CloudTrail log file: other services' calls
  const others = [
    of({ eventID: 'a0000000-0000-4000-8000-000000000001', eventSource: 'sts.amazonaws.com', eventName: 'AssumeRole' }),
    of({ eventID: 'a0000000-0000-4000-8000-000000000002', eventSource: 'ec2.amazonaws.com', eventName: 'DescribeInstances' }),
    // a service the rules read, a call none of them does
    of({ eventID: 'a0000000-0000-4000-8000-000000000003', eventSource: 's3.amazonaws.com', eventName: 'ListBuckets' }),
  ];
  const ours = of({ eventID: 'a0000000-0000-4000-8000-000000000004' });

  it('are neither claimed nor judged, in memory or against a store claimed ahead', async () => {
    for (const store of [new MemoryStateStore(), new KeyedUsageStore()]) {
      const claimed: string[] = [];
      const claimEvent = store.claimEvent.bind(store);
      store.claimEvent = async (eventId, nowMs, ttlMs) => (claimed.push(eventId), claimEvent(eventId, nowMs, ttlMs));
      const claimEventNow = store.claimEventNow?.bind(store);
      if (claimEventNow) store.claimEventNow = (eventId, nowMs, eventTimeMs) => (claimed.push(eventId), claimEventNow(eventId, nowMs, eventTimeMs));
      const pipeline = await Pipeline.create({ policy: policyFromInput(), store });
      await pipeline.prepare([...others, ours]);
      for (const event of [...others, ours, ...others]) expect(await pipeline.process(event)).toMatchObject({ duplicate: false });
      // (a memory store's claimEvent goes through its claimEventNow: an id may show twice)
      expect(new Set(claimed)).toEqual(new Set([ours.eventId]));
      expect(pipeline.reads(ours)).toBe(true);
      expect(others.map((event) => pipeline.reads(event))).toEqual([false, false, false]);
    }
  });

  it('are read when a rule or the ledger reads their kind: a KMS key-state change, a data-key call, a bucket policy', async () => {
    const pipeline = await Pipeline.create({ policy: policyFromInput(), store: new MemoryStateStore() });
    for (const [eventSource, eventName] of [['kms.amazonaws.com', 'EnableKeyRotation'], ['kms.amazonaws.com', 'GenerateDataKey'], ['s3.amazonaws.com', 'PutBucketPolicy'], ['s3tables.amazonaws.com', 'CreateTable']]) {
      expect(pipeline.reads(of({ eventSource, eventName })), `${eventSource} ${eventName}`).toBe(true);
    }
  });
});
