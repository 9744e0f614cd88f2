import { describe, expect, it } from 'vitest';
import { Ledger, type BucketEntry } from '../../src/correlate/ledger.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PostureCache, readsCachedPosture } from '../../src/lambda/posture-cache.js';
import { EVENTS } from '../helpers.js';
import { MemoryStateStore } from '../../src/state/memory.js';
import { KeyedUsageStore } from '../state/keyed-usage-store.js';

async function withBucket<T extends MemoryStateStore>(store: T): Promise<T & { scans: number }> {
  const ledger = new Ledger();
  ledger.update<BucketEntry>({ kind: 'bucket', arn: 'arn:aws:s3:::payroll' }, { encryption: { sseAlgorithm: 'AES256' } }, { time: 1, eventId: 'e' });
  await store.saveEntries(ledger.takeDirty());
  const counted = Object.assign(store, { scans: 0 });
  const load = store.loadEntries.bind(store);
  counted.loadEntries = async () => (counted.scans++, load());
  return counted;
}

describe('PostureCache', () => {
  it('scans a store that reads counters by key at most once per period, and hands each invocation its own copy', async () => {
    let now = 0;
    const cache = new PostureCache(60_000, () => now);
    const store = await withBucket(new KeyedUsageStore());
    const first = await cache.entries(store);
    (first[0] as BucketEntry).encryption = { sseAlgorithm: 'aws:kms' };
    now = 59_000;
    const second = await cache.entries(store);
    expect(store.scans).toBe(1);
    expect((second[0] as BucketEntry).encryption).toEqual({ sseAlgorithm: 'AES256' });
    now = 61_000;
    await cache.entries(store);
    expect(store.scans).toBe(2);
  });

  it('reads a store whose posture includes its usage counters afresh every time', async () => {
    const cache = new PostureCache(60_000, () => 0);
    const store = await withBucket(new MemoryStateStore());
    await cache.entries(store);
    await cache.entries(store);
    expect(store.scans).toBe(2);
  });

  it('starts the next invocations from what this environment saved, until the period ends', async () => {
    let now = 0;
    const cache = new PostureCache(60_000, () => now);
    const store = await withBucket(new KeyedUsageStore());
    const ledger = new Ledger();
    ledger.load(await cache.entries(store));
    ledger.update<BucketEntry>({ kind: 'bucket', arn: 'arn:aws:s3:::ledger' }, { encryption: { sseAlgorithm: 'aws:kms' } }, { time: 2, eventId: 'f' });
    await store.saveEntries(ledger.takeDirty());
    cache.keep(ledger.storedPosture());
    now = 30_000;
    expect((await cache.entries(store)).map((e) => e.kind === 'bucket' && e.arn).sort()).toEqual(['arn:aws:s3:::ledger', 'arn:aws:s3:::payroll']);
    expect(store.scans).toBe(1);
  });

  it('serves data events (object writes) from the cache, and judges management events against a fresh scan', async () => {
    const write = JSON.parse(await readFile(join(EVENTS, 's3', 'PutObject.sse-kms.json'), 'utf8'));
    const change = JSON.parse(await readFile(join(EVENTS, 's3', 'DeleteBucketEncryption.after-kms.json'), 'utf8'));
    expect(readsCachedPosture(write)).toBe(true);
    expect(readsCachedPosture(change)).toBe(false);
    expect(readsCachedPosture({ detail: { eventCategory: 'Data' } })).toBe(true);
    expect(readsCachedPosture(null)).toBe(false);
  });
});
