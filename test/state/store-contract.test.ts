import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usageKeysOf } from '../../src/correlate/apply-kms.js';
import { entryKey, Ledger, usageKey, type BucketEntry, type LedgerEntry, type UsageEntry } from '../../src/correlate/ledger.js';
import { normalizeValue } from '../../src/events/normalize.js';
import type { CloudTrailEvent } from '../../src/events/types.js';
import { DynamoDbStateStore } from '../../src/state/dynamodb.js';
import type { DocumentCalls } from '../../src/state/dynamodb-documents.js';
import { jsonDocuments } from '../../src/state/dynamodb-json.js';
import { closeSignedPostAgents } from '../../src/util/signed-post.js';
import { FileStateStore } from '../../src/state/file.js';
import { MemoryStateStore } from '../../src/state/memory.js';
import { OwnRevisions, type StateStore } from '../../src/state/store.js';
import { record } from '../helpers.js';
import { startLocalDynamo, type LocalDynamo } from './dynalite-server.js';

let dynamo: LocalDynamo;
let tableCount = 0;
let dir: string;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
  dir = await mkdtemp(join(tmpdir(), 'sse-sentinel-store-'));
});
afterAll(async () => {
  closeSignedPostAgents();
  await dynamo.close();
});

/** Each factory returns two handles on one store, as two processors (or two replay runs) would have. */
type Factory = () => Promise<[StateStore, StateStore]>;
const FACTORIES: [string, Factory][] = [
  ['memory', async () => {
    const store = new MemoryStateStore();
    return [store, store];
  }],
  ['file', async () => {
    const path = join(dir, `state-${++tableCount}.json`);
    const first = await FileStateStore.open(path);
    return [first, { // the second handle reopens the file on every call, as a second run would
      loadEntries: async () => { await first.flush(); return (await FileStateStore.open(path)).loadEntries(); },
      saveEntries: (e) => first.saveEntries(e),
      deleteEntries: (k) => first.deleteEntries(k),
      claimEvent: (id, now, ttl) => first.claimEvent(id, now, ttl),
      releaseEvent: (id) => first.releaseEvent(id),
      incrementCounter: (k, now, ttl) => first.incrementCounter(k, now, ttl),
      readCounter: async (k, now) => { await first.flush(); return (await FileStateStore.open(path)).readCounter(k, now); },
      flush: () => first.flush(),
    }];
  }],
  ['dynamodb (dynalite on loopback)', async () => {
    const tableName = `state-${++tableCount}`;
    await dynamo.createTable(tableName);
    return [new DynamoDbStateStore({ tableName, client: dynamo.client }), new DynamoDbStateStore({ tableName, client: dynamo.client })];
  }],
  ['dynamodb with markers in their own table (dynalite on loopback)', async () => {
    const tableName = `state-${++tableCount}`;
    const markersTableName = `markers-${tableCount}`;
    await dynamo.createTable(tableName);
    await dynamo.createTable(markersTableName);
    const open = () => new DynamoDbStateStore({ tableName, markersTableName, client: dynamo.client });
    return [open(), open()];
  }],
  ['dynamodb through signed JSON calls, as in Lambda (dynalite on loopback)', async () => {
    const tableName = `state-${++tableCount}`;
    const markersTableName = `markers-${tableCount}`;
    await dynamo.createTable(tableName);
    await dynamo.createTable(markersTableName);
    const open = () => new DynamoDbStateStore({ tableName, markersTableName, documents: jsonDocuments({ region: 'us-east-1', endpoint: dynamo.endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 }) });
    return [open(), open()];
  }],
];

const BUCKET = 'arn:aws:s3tables:us-east-1:111122223333:bucket/analytics';
const KEY = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
function event(overrides: Record<string, unknown>): CloudTrailEvent {
  const [item] = normalizeValue(record(overrides), { source: 'contract' });
  if (item?.kind !== 'event') throw new Error('bad fixture');
  return item.event;
}
const putEncryption = (id: string, time: string, sseAlgorithm: string) =>
  event({ eventID: id, eventTime: time, eventName: 'PutTableBucketEncryption', requestParameters: { tableBucketARN: BUCKET, encryptionConfiguration: { sseAlgorithm, ...(sseAlgorithm === 'aws:kms' ? { kmsKeyArn: KEY } : {}) } } });
const decrypt = (id: string) =>
  event({ eventID: id, eventTime: '2025-01-10T10:30:00Z', eventSource: 'kms.amazonaws.com', eventName: 'Decrypt', requestParameters: { keyId: KEY, encryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::data/object' } }, resources: [{ ARN: KEY }] });

/** A processor's view: the posture, and (for a store that loads them by key) the counters these events touch. */
async function ledgerFrom(store: StateStore, ...touching: CloudTrailEvent[]): Promise<Ledger> {
  const ledger = new Ledger();
  ledger.load(await store.loadEntries());
  if (store.loadUsage) ledger.loadUsage(await store.loadUsage(touching.flatMap((e) => usageKeysOf(e, 24))));
  return ledger;
}
async function save(ledger: Ledger, store: StateStore): Promise<void> {
  await store.deleteEntries(ledger.takeRemoved());
  await store.saveEntries(ledger.takeDirty());
  await store.flush();
}

describe.each(FACTORIES)('StateStore contract: %s', (_name, open) => {
  it('round-trips ledger entries', async () => {
    const [store] = await open();
    const ledger = new Ledger();
    ledger.apply(putEncryption('e1', '2025-01-10T10:00:00Z', 'aws:kms'));
    await save(ledger, store);
    const loaded = await ledgerFrom(store);
    expect(loaded.tableBucket(BUCKET)?.encryption).toEqual({ sseAlgorithm: 'aws:kms', kmsKeyArn: KEY });
    expect(loaded.protectedBy(KEY).tableBuckets).toEqual([BUCKET]);
  });

  it('keeps the newest value when processors save out of order', async () => {
    const [a, b] = await open();
    const newer = new Ledger();
    newer.apply(putEncryption('n', '2025-01-10T11:00:00Z', 'AES256'));
    const older = await ledgerFrom(b); // loaded before the newer save landed
    await save(newer, a);
    older.apply(putEncryption('o', '2025-01-10T10:00:00Z', 'aws:kms'));
    await save(older, b);
    const final = await ledgerFrom(a);
    expect(final.tableBucket(BUCKET)?.encryption).toEqual({ sseAlgorithm: 'AES256' });
    expect(final.tableBucket(BUCKET)?.history?.map((h) => h.eventId)).toEqual(['o', 'n']);
  });

  it('adds usage counted by two processors', async () => {
    const [a, b] = await open();
    const first = await ledgerFrom(a, decrypt('a0'));
    const second = await ledgerFrom(b, decrypt('b0'));
    for (let i = 0; i < 3; i++) first.apply(decrypt(`a${i}`));
    for (let i = 0; i < 4; i++) second.apply(decrypt(`b${i}`));
    await save(first, a);
    await save(second, b);
    first.apply(decrypt('a3')); // a second save of the same processor adds only its new increment
    await save(first, a);
    const window = Date.parse('2025-01-10T10:00:00Z');
    const loaded = await ledgerFrom(a, decrypt('x'));
    expect(loaded.usage(KEY, 'arn:aws:s3:::data', 'arn:aws:iam::111122223333:user/alice', 'Decrypt', window)).toBe(8);
    expect(loaded.usage(KEY, 'arn:aws:s3:::data', '*', 'per-object', window)).toBe(8);
    // when the key last served each resource survives with the posture, whether or not counters are loaded
    expect((await ledgerFrom(b)).lastUsed(KEY)).toEqual(new Map([['arn:aws:s3:::data', Date.parse('2025-01-10T10:30:00Z')]]));
  });

  it('moves the posture revision on posture writes and deletes by either handle, not on usage counters or key-use summaries', async () => {
    const [a, b] = await open();
    if (!a.postureRevision || !b.postureRevision) {
      // a local file has one writer at a time: nothing to revise
      expect(_name).toBe('file');
      return;
    }
    const start = await a.postureRevision();
    const counting = new Ledger();
    counting.apply(decrypt('d1'));
    const counted = counting.takeDirty();
    expect(new Set(counted.map((e) => e.kind))).toEqual(new Set(['usage', 'key-use']));
    await a.saveEntries(counted);
    expect(await b.postureRevision()).toBe(start);
    expect(a.takeOwnPostureRevisions!()).toEqual([]);

    const changing = new Ledger();
    changing.apply(putEncryption('e1', '2025-01-10T10:00:00Z', 'aws:kms'));
    await save(changing, a);
    expect(await b.postureRevision()).toBe(start + 1);
    expect(a.takeOwnPostureRevisions!()).toEqual([start + 1]);

    await b.deleteEntries([`tb|${BUCKET}`]);
    expect(await a.postureRevision()).toBe(start + 2);
    expect(b.takeOwnPostureRevisions!()).toEqual([start + 2]);
    expect(b.takeOwnPostureRevisions!()).toEqual([]);
    // the revision is no entry of the posture
    expect((await a.loadEntries()).filter((e) => e.kind !== 'usage').map((e) => e.kind)).toEqual(['key-use']);
  });

  it('adds a counter\'s later saves whatever order they land in, keeping the latest time it was seen', async () => {
    const [a, b] = await open();
    const at = (id: string, time: string) => event({ eventID: id, eventTime: time, eventSource: 'kms.amazonaws.com', eventName: 'Decrypt', requestParameters: { keyId: KEY, encryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::data' } }, resources: [{ ARN: KEY }] });
    const later = await ledgerFrom(a, at('l', '2025-01-10T10:50:00Z'));
    const earlier = await ledgerFrom(b, at('e', '2025-01-10T10:05:00Z'));
    later.apply(at('l1', '2025-01-10T10:50:00Z'));
    later.apply(at('l2', '2025-01-10T10:51:00Z'));
    earlier.apply(at('e1', '2025-01-10T10:05:00Z'));
    await save(later, a);
    await save(earlier, b);
    const loaded = await ledgerFrom(a, at('x', '2025-01-10T10:00:00Z'));
    expect(loaded.usage(KEY, 'arn:aws:s3:::data', 'arn:aws:iam::111122223333:user/alice', 'Decrypt', Date.parse('2025-01-10T10:00:00Z'))).toBe(3);
    expect(loaded.lastUsed(KEY).get('arn:aws:s3:::data')).toBe(Date.parse('2025-01-10T10:51:00Z'));
    // the counter itself, not only the key's last-use summary
    const key = usageKey(KEY, 'arn:aws:s3:::data', 'arn:aws:iam::111122223333:user/alice', 'Decrypt', Date.parse('2025-01-10T10:00:00Z'));
    const stored = b.loadUsage ? await b.loadUsage([key]) : (await b.loadEntries()).filter((e): e is UsageEntry => e.kind === 'usage' && e.key === key);
    expect(stored.map((e) => [e.count, e.lastSeen])).toEqual([[3, Date.parse('2025-01-10T10:51:00Z')]]);
  });

  it('deletes entries by key', async () => {
    const [store] = await open();
    const ledger = new Ledger();
    ledger.apply(putEncryption('e1', '2025-01-10T10:00:00Z', 'aws:kms'));
    ledger.apply(decrypt('d1'));
    await save(ledger, store);
    const posture = (await store.loadEntries()).filter((e) => e.kind !== 'usage').map((e: LedgerEntry) => entryKey(e));
    expect(posture.sort()).toEqual([`ku|${KEY}`, `tb|${BUCKET}`]);
    await store.deleteEntries(posture);
    expect((await store.loadEntries()).filter((e) => e.kind !== 'usage')).toEqual([]);
  });

  it('claims an event id once until its marker expires, and again after a release', async () => {
    const [a, b] = await open();
    const now = Date.parse('2025-01-10T10:00:00Z');
    expect(await a.claimEvent('evt-1', now)).toBe(true);
    expect(await b.claimEvent('evt-1', now + 60_000)).toBe(false);
    expect(await b.claimEvent('evt-1', now + 24 * 3600_000)).toBe(false); // markers last at least 24 h
    expect(await b.claimEvent('evt-1', now + 26 * 3600_000)).toBe(true);
    await b.releaseEvent('evt-1');
    expect(await a.claimEvent('evt-1', now + 26 * 3600_000 + 1)).toBe(true);
  });

  it('holds a claim for the TTL it was given', async () => {
    const [a, b] = await open();
    const now = Date.parse('2025-01-10T10:00:00Z');
    expect(await a.claimEvent('budget|bucket', now, 3600_000)).toBe(true);
    expect(await b.claimEvent('budget|bucket', now + 3500_000, 3600_000)).toBe(false);
    expect(await b.claimEvent('budget|bucket', now + 3602_000, 3600_000)).toBe(true);
  });

  it('lets exactly one of many racing claims win', async () => {
    const [a, b] = await open();
    const now = Date.parse('2025-01-10T10:00:00Z');
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).claimEvent('raced', now)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('counts concurrent increments once each, and restarts an expired counter', async () => {
    const [a, b] = await open();
    const now = Date.parse('2025-01-10T10:00:00Z');
    const values = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).incrementCounter('window|x', now, 3600_000)));
    expect([...values].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await b.readCounter('window|x', now + 1000)).toBe(10);
    expect(await a.incrementCounter('window|x', now + 3601_000, 3600_000)).toBe(1);
    expect(await a.readCounter('window|absent', now)).toBe(0);
  });

  it('merges concurrent saves of different fields of one entry', async () => {
    const [a, b] = await open();
    const keyEvent = (name: string, id: string, time: string) =>
      event({ eventID: id, eventTime: time, eventSource: 'kms.amazonaws.com', eventName: name, requestParameters: { keyId: KEY }, responseElements: { keyId: KEY }, resources: [{ ARN: KEY }] });
    const first = await ledgerFrom(a);
    const second = await ledgerFrom(b);
    first.apply(keyEvent('DisableKey', 'k1', '2025-01-10T10:00:00Z'));
    second.apply(keyEvent('DisableKeyRotation', 'k2', '2025-01-10T09:00:00Z'));
    await Promise.all([save(first, a), save(second, b)]);
    expect((await ledgerFrom(a)).key(KEY)).toMatchObject({ state: 'Disabled', rotationEnabled: false });
  });
});

describe('markers in their own table', () => {
  it('loading the ledger never reads a dedup marker or counter', async () => {
    await dynamo.createTable('scan-state');
    await dynamo.createTable('scan-markers');
    const store = new DynamoDbStateStore({ tableName: 'scan-state', markersTableName: 'scan-markers', client: dynamo.client });
    const now = Date.parse('2025-01-10T10:00:00Z');
    for (let i = 0; i < 50; i++) await store.claimEvent(`evt-${i}`, now);
    await store.incrementCounter('alert-window|x', now, 3600_000);
    const ledger = new Ledger();
    ledger.update<BucketEntry>({ kind: 'bucket', arn: 'arn:aws:s3:::payroll' }, { encryption: { sseAlgorithm: 'AES256' } }, { time: now, eventId: 'e' });
    await store.saveEntries(ledger.takeDirty());
    let scanned = 0;
    const counting = (next: (args: unknown) => Promise<{ output: { ScannedCount?: number } }>) => async (args: unknown) => {
      const result = await next(args);
      scanned += result.output?.ScannedCount ?? 0;
      return result;
    };
    dynamo.client.middlewareStack.add(counting as never, { step: 'initialize', name: 'countScanned' });
    try {
      expect((await store.loadEntries()).map((e) => e.kind)).toEqual(['bucket']);
      // the bucket and the posture revision beside it: none of the 51 markers and counters
      expect(scanned).toBe(2);
      expect(await store.claimEvent('evt-1', now + 1000)).toBe(false);
    } finally {
      dynamo.client.middlewareStack.remove('countScanned');
    }
  });
});

describe('OwnRevisions', () => {
  it('keeps the last 64 revisions a store moved the posture to, for a function that never takes them', () => {
    const own = new OwnRevisions();
    for (let revision = 1; revision <= 70; revision++) own.record(revision);
    expect(own.take()).toEqual(Array.from({ length: 64 }, (_, i) => i + 7));
    expect(own.take()).toEqual([]);
  });
});

describe('DynamoDbStateStore.saveEntries', () => {
  it('answers a failed save only once every write in flight has settled (a late write would be counted again by the retry)', async () => {
    const ledger = new Ledger();
    for (const bucket of ['a', 'b', 'c']) {
      ledger.apply(event({ eventID: `d-${bucket}`, eventTime: '2025-01-10T10:30:00Z', eventSource: 'kms.amazonaws.com', eventName: 'Decrypt', requestParameters: { keyId: KEY, encryptionContext: { 'aws:s3:arn': `arn:aws:s3:::${bucket}` } }, resources: [{ ARN: KEY }] }));
    }
    const usage = ledger.takeDirty().filter((e): e is UsageEntry => e.kind === 'usage');
    expect(usage).toHaveLength(3);
    const landed: string[] = [];
    const documents: DocumentCalls = {
      scan: async () => ({ Items: [] }),
      batchGet: async () => ({ Responses: {} }),
      get: async () => ({}),
      put: async () => ({}),
      update: async (input) => {
        const pk = String((input.Key as { pk: string }).pk);
        if (pk === usage[0]!.key) throw Object.assign(new Error('Rate of requests exceeds the allowed throughput'), { name: 'ProvisionedThroughputExceededException' });
        await new Promise((resolve) => setTimeout(resolve, 30));
        landed.push(pk);
        return {};
      },
      delete: async () => ({}),
      batchWrite: async () => ({}),
    };
    const store = new DynamoDbStateStore({ tableName: 'state', markersTableName: 'markers', documents });
    await expect(store.saveEntries(usage)).rejects.toThrow('Rate of requests exceeds the allowed throughput');
    expect(landed.sort()).toEqual([usage[1]!.key, usage[2]!.key].sort());
  });
});
