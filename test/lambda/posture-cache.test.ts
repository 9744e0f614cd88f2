import { describe, expect, it } from 'vitest';
import { Ledger, type BucketEntry, type LedgerEntry } from '../../src/correlate/ledger.js';
import { deepFreeze } from '../../src/util/deep-freeze.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PostureCache, readsCachedPosture } from '../../src/lambda/posture-cache.js';
import { collect, CORPUS, EVENTS, examplePolicy } from '../helpers.js';
import { MemoryStateStore } from '../../src/state/memory.js';
import { KeyedUsageStore } from '../state/keyed-usage-store.js';
import { DynamoDbStateStore } from '../../src/state/dynamodb.js';
import { normalizeValue } from '../../src/events/normalize.js';
import { Pipeline } from '../../src/pipeline.js';
import { policyFromInput } from '../../src/policy/load.js';
import { POSTURE_CHANGES_SPAN, type StateStore } from '../../src/state/store.js';
import { record } from '../helpers.js';
import { localDynamoPerFile } from '../state/dynalite-server.js';

const dynamo = localDynamoPerFile();

/** A bucket's default encryption set in the ledger, as a PutBucketEncryption at `version` does. */
const encrypt = (ledger: Ledger, arn: string, sseAlgorithm: string, version: { time: number; eventId: string }) =>
  ledger.update<BucketEntry>({ kind: 'bucket', arn }, { encryption: { sseAlgorithm } }, version);

/** The bucket ARNs a ledger holds, sorted. */
const bucketsOf = (ledger: Ledger) => ledger.all().flatMap((entry) => (entry.kind === 'bucket' ? [entry.arn] : [])).sort();

/** Counts the posture revision reads of a store from now on. */
function countRevisionReads(store: StateStore): { count: number } {
  const reads = { count: 0 };
  const read = store.postureRevision!.bind(store);
  store.postureRevision = async () => (reads.count++, read());
  return reads;
}

async function withBucket<T extends MemoryStateStore>(store: T): Promise<T & { scans: number }> {
  const ledger = new Ledger();
  encrypt(ledger, 'arn:aws:s3:::payroll', 'AES256', { time: 1, eventId: 'e' });
  await store.saveEntries(ledger.takeDirty());
  const counted = Object.assign(store, { scans: 0 });
  const load = store.loadEntries.bind(store);
  counted.loadEntries = async () => (counted.scans++, load());
  return counted;
}

describe('PostureCache', () => {
  it('hands data events the same frozen entries, checks the revision once per period and catches up when another writer moved it', async () => {
    let now = 0;
    const cache = new PostureCache(60_000, () => now);
    const store = await withBucket(new KeyedUsageStore());
    const first = await cache.entries(store);
    // a change in place fails loudly instead of reaching the next invocation
    expect(() => { (first[0] as BucketEntry).encryption = { sseAlgorithm: 'aws:kms' }; }).toThrow(TypeError);
    expect(() => { ((first[0] as BucketEntry).encryption as { sseAlgorithm: string }).sseAlgorithm = 'aws:kms'; }).toThrow(TypeError);
    // an invocation's ledger replaces what it changes
    const ledger = new Ledger();
    ledger.load(first);
    encrypt(ledger, 'arn:aws:s3:::payroll', 'aws:kms', { time: 2, eventId: 'f' });
    expect(ledger.bucket('arn:aws:s3:::payroll')?.encryption).toEqual({ sseAlgorithm: 'aws:kms' });
    now = 59_000;
    const second = await cache.entries(store);
    expect(store.scans).toBe(1);
    expect(second).toBe(first);
    expect((second[0] as BucketEntry).encryption).toEqual({ sseAlgorithm: 'AES256' });
    now = 61_000;
    // the period ended: the posture revision is asked, and the copy kept while it holds
    const revisionReads = countRevisionReads(store);
    expect(await cache.entries(store)).toBe(first);
    expect(store.scans).toBe(1);
    expect(revisionReads.count).toBe(1);
    // another environment changes the posture: seen at the next check, not before
    const other = new Ledger();
    encrypt(other, 'arn:aws:s3:::other', 'aws:kms', { time: 3, eventId: 'o' });
    await store.saveEntries(other.takeDirty());
    store.takeOwnPostureRevisions();
    now = 120_000;
    expect(await cache.entries(store)).toBe(first);
    expect(revisionReads.count).toBe(1);
    now = 122_000;
    const next = await cache.entries(store);
    // what that writer wrote, read by key: no scan, a new frozen copy
    expect(store.scans).toBe(1);
    expect(next).not.toBe(first);
    expect(Object.isFrozen(next) && Object.isFrozen(next.find((entry) => entry.kind === 'bucket' && entry.arn === 'arn:aws:s3:::other'))).toBe(true);
    expect(next.map((entry) => (entry.kind === 'bucket' ? entry.arn : entry.kind)).sort()).toEqual(['arn:aws:s3:::other', 'arn:aws:s3:::payroll']);
  });

  it('judges every sample, corpus and scenario event against the shared frozen posture as against a copy of its own', async () => {
    const policy = await examplePolicy();
    const events = (await collect([EVENTS, CORPUS])).flatMap((item) => (item.kind === 'event' ? [item.event] : []));
    /** One invocation per event, as the processor runs: each starts from what the one before it kept, shared as `share` makes it. */
    const invocations = async (share: (entries: LedgerEntry[]) => readonly LedgerEntry[]) => {
      const store = new MemoryStateStore();
      const errors: string[] = [];
      const findings: string[] = [];
      let posture: readonly LedgerEntry[] = [];
      for (const event of events) {
        const pipeline = await Pipeline.create({ policy, store, ledger: async () => Ledger.of(posture), onRuleError: (ruleId, _event, error) => errors.push(`${ruleId}: ${String(error)}`) });
        findings.push(...(await pipeline.process(event)).findings.map((f) => `${f.ruleId} ${f.eventId} ${f.summary}`));
        posture = share(pipeline.ledger.storedPosture());
      }
      return { errors, findings, posture };
    };
    const frozen = await invocations(deepFreeze);
    const copied = await invocations(structuredClone);
    expect(frozen.errors).toEqual([]);
    expect(frozen.findings.length).toBeGreaterThan(40);
    expect(frozen.findings).toEqual(copied.findings);
    expect(frozen.posture.length).toBeGreaterThan(30);
    expect(frozen.posture).toEqual(copied.posture);
  });

  it('shares one ledger between data events until the posture they read changes or an event changes the ledger', async () => {
    let now = 0;
    const cache = new PostureCache(60_000, () => now);
    const store = await withBucket(new KeyedUsageStore());
    const first = await cache.lease(store, 'cached');
    expect(first.ledger.bucket('arn:aws:s3:::payroll')?.encryption).toEqual({ sseAlgorithm: 'AES256' });
    cache.release(first, true);
    const second = await cache.lease(store, 'cached');
    expect(second.ledger).toBe(first.ledger);
    // an event taught it something that was not saved: the next invocation starts again from a new scan (the ledger
    // may have held what earlier invocations saved since the last one)
    encrypt(second.ledger, 'arn:aws:s3:::payroll', 'aws:kms', { time: 2, eventId: 'f' });
    cache.release(second, false);
    const third = await cache.lease(store, 'cached');
    expect(third.ledger).not.toBe(second.ledger);
    expect(third.ledger.bucket('arn:aws:s3:::payroll')?.encryption).toEqual({ sseAlgorithm: 'AES256' });
    expect(store.scans).toBe(2);
    // a management event saved a change: the ledger it kept serves the next data event
    const management = await cache.lease(store, 'current');
    encrypt(management.ledger, 'arn:aws:s3:::ledger', 'aws:kms', { time: 3, eventId: 'g' });
    await store.saveEntries(management.ledger.takeDirty());
    cache.release(management, true, store.takeOwnPostureRevisions());
    const fourth = await cache.lease(store, 'cached');
    expect(fourth.ledger).toBe(management.ledger);
    expect(fourth.ledger.bucket('arn:aws:s3:::ledger')).toBeDefined();
    expect(store.scans).toBe(2);
    cache.release(fourth, true);
    // the copy's period ended, but the revision is still the one the management event's save moved it to
    now = 61_000;
    expect((await cache.lease(store, 'cached')).ledger).toBe(fourth.ledger);
    expect(store.scans).toBe(2);
  });

  it('keeps a shared ledger whose changes were saved, its usage counters forgotten for the next batch to read afresh', async () => {
    const cache = new PostureCache(60_000, () => 0);
    const store = await withBucket(new KeyedUsageStore());
    const shared = await cache.lease(store, 'cached');
    const key = 'arn:aws:kms:us-east-1:111122223333:key/k';
    shared.ledger.countUsage(key, 'arn:aws:s3:::payroll', 'alice', 'Decrypt', 1_000);
    encrypt(shared.ledger, 'arn:aws:s3:::ledger', 'aws:kms', { time: 2, eventId: 'f' });
    await store.saveEntries(shared.ledger.takeDirty());
    cache.release(shared, true);
    const next = await cache.lease(store, 'cached');
    expect(next.ledger).toBe(shared.ledger);
    expect(next.ledger.bucket('arn:aws:s3:::ledger')).toBeDefined();
    expect(next.ledger.usage(key, 'arn:aws:s3:::payroll', 'alice', 'Decrypt', 0)).toBe(0);
    expect(next.ledger.all().filter((entry) => entry.kind === 'usage')).toEqual([]);
    // the last use it saved stays: the blast radius still names it
    expect(next.ledger.latestUses(key, 20).latest).toEqual([['arn:aws:s3:::payroll', 1_000]]);
    expect(store.scans).toBe(1);
  });

  it('runs an invocation on a leased ledger and gives it back, unsaved when the work throws', async () => {
    const cache = new PostureCache(60_000, () => 0);
    const store = await withBucket(new KeyedUsageStore());
    let used: Ledger | undefined;
    const value = await cache.withLease(store, 'cached', async (ledger) => ({ value: (used = await ledger()).bucket('arn:aws:s3:::payroll')?.arn, saved: true }));
    expect(value).toBe('arn:aws:s3:::payroll');
    await expect(cache.withLease(store, 'cached', async (ledger) => {
      const changed = await ledger();
      expect(changed).toBe(used);
      encrypt(changed, 'arn:aws:s3:::payroll', 'aws:kms', { time: 2, eventId: 'f' });
      throw new Error('publish failed');
    })).rejects.toThrow('publish failed');
    const after = await cache.lease(store, 'cached');
    expect(after.ledger).not.toBe(used);
    expect(after.ledger.bucket('arn:aws:s3:::payroll')?.encryption).toEqual({ sseAlgorithm: 'AES256' });
  });

  it('hands a store whose posture is read afresh every time a ledger of its own each time', async () => {
    const cache = new PostureCache();
    const store = await withBucket(new MemoryStateStore());
    const first = await cache.lease(store, 'cached');
    encrypt(first.ledger, 'arn:aws:s3:::payroll', 'aws:kms', { time: 2, eventId: 'f' });
    cache.release(first, true);
    const second = await cache.lease(store, 'current');
    expect(second.ledger).not.toBe(first.ledger);
    expect(second.ledger.bucket('arn:aws:s3:::payroll')?.encryption).toEqual({ sseAlgorithm: 'AES256' });
    expect(store.scans).toBe(2);
  });

  it('keeps the ledger of management events while the posture revision holds, and gives it and the copy up after a failed save', async () => {
    const cache = new PostureCache(60_000, () => 0);
    const store = await withBucket(new KeyedUsageStore());
    store.takeOwnPostureRevisions();
    const first = await cache.lease(store, 'current');
    encrypt(first.ledger, 'arn:aws:s3:::ledger', 'aws:kms', { time: 2, eventId: 'f' });
    await store.saveEntries(first.ledger.takeDirty());
    cache.release(first, true, store.takeOwnPostureRevisions());
    // its own save moved the revision by one: the ledger it kept is current, no scan
    const second = await cache.lease(store, 'current');
    expect(second.ledger).toBe(first.ledger);
    expect(store.scans).toBe(1);
    // a change this invocation could not save: ledger and copy are given up, the next one scans
    encrypt(second.ledger, 'arn:aws:s3:::unsaved', 'aws:kms', { time: 3, eventId: 'g' });
    cache.release(second, false, store.takeOwnPostureRevisions());
    const third = await cache.lease(store, 'current');
    expect(third.ledger).not.toBe(second.ledger);
    expect(store.scans).toBe(2);
    expect(third.ledger.bucket('arn:aws:s3:::ledger')).toBeDefined();
    expect(third.ledger.bucket('arn:aws:s3:::unsaved')).toBeUndefined();
    // another writer moved the revision: the kept ledger catches up on what it wrote, no scan
    const other = new Ledger();
    encrypt(other, 'arn:aws:s3:::elsewhere', 'AES256', { time: 4, eventId: 'h' });
    encrypt(other, 'arn:aws:s3:::ledger', 'AES256', { time: 5, eventId: 'i' });
    await store.saveEntries(other.takeDirty());
    store.takeOwnPostureRevisions();
    cache.release(third, true, []);
    const fourth = await cache.lease(store, 'current');
    expect(fourth.ledger).toBe(third.ledger);
    expect(fourth.ledger.bucket('arn:aws:s3:::elsewhere')).toBeDefined();
    expect(fourth.ledger.bucket('arn:aws:s3:::ledger')?.encryption).toEqual({ sseAlgorithm: 'AES256' });
    expect(store.scans).toBe(2);
  });

  it('judges every sample and corpus event through kept ledgers as through a ledger scanned for each', async () => {
    const policy = await examplePolicy();
    const events = (await collect([EVENTS, CORPUS])).flatMap((item) => (item.kind === 'event' ? [item.event] : []));
    const dataEvent = (event: (typeof events)[number]) => readsCachedPosture({ detail: event.raw });
    expect(events.filter(dataEvent).length).toBeGreaterThan(3);
    /** One invocation per event, saved, the posture from `ledger`. */
    const invocations = async (store: KeyedUsageStore, start: (event: (typeof events)[number]) => Promise<{ ledger: Ledger; done: (saved: boolean) => void }>) => {
      const findings: string[] = [];
      for (const event of events) {
        const { ledger, done } = await start(event);
        const pipeline = await Pipeline.create({ policy, store, ledger: async () => ledger });
        findings.push(...(await pipeline.process(event)).findings.map((f) => `${f.ruleId} ${f.eventId} ${f.summary}`));
        await pipeline.save();
        done(true);
      }
      return findings;
    };
    const cache = new PostureCache(60_000, () => 0);
    const kept = new KeyedUsageStore();
    const throughLeases = await invocations(kept, async (event) => {
      const lease = await cache.lease(kept, dataEvent(event) ? 'cached' : 'current');
      return { ledger: lease.ledger, done: (saved) => cache.release(lease, saved, kept.takeOwnPostureRevisions()) };
    });
    const scanned = new KeyedUsageStore();
    const throughScans = await invocations(scanned, async () => ({ ledger: Ledger.of(await scanned.loadEntries()), done: () => undefined }));
    expect(throughLeases.length).toBeGreaterThan(40);
    expect(throughLeases).toEqual(throughScans);
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
    const lease = await cache.lease(store, 'cached');
    encrypt(lease.ledger, 'arn:aws:s3:::ledger', 'aws:kms', { time: 2, eventId: 'f' });
    await store.saveEntries(lease.ledger.takeDirty());
    cache.release(lease, true, store.takeOwnPostureRevisions());
    now = 30_000;
    expect(bucketsOf((await cache.lease(store, 'cached')).ledger)).toEqual(['arn:aws:s3:::ledger', 'arn:aws:s3:::payroll']);
    expect(store.scans).toBe(1);
  });

  it('keeps its copy for management events while the posture revision holds, and catches up when it moved', async () => {
    const cache = new PostureCache(60_000, () => 0);
    const store = await withBucket(new KeyedUsageStore());
    store.takeOwnPostureRevisions();
    await cache.current(store);
    await cache.current(store);
    expect(store.scans).toBe(1);
    // another environment changes the posture (its revision is not this environment's own)
    const other = new Ledger();
    encrypt(other, 'arn:aws:s3:::other', 'aws:kms', { time: 3, eventId: 'g' });
    await store.saveEntries(other.takeDirty());
    store.takeOwnPostureRevisions();
    expect((await cache.current(store)).map((e) => e.kind === 'bucket' && e.arn).sort()).toEqual(['arn:aws:s3:::other', 'arn:aws:s3:::payroll']);
    expect(store.scans).toBe(1);
  });

  it('stays current after its own saves when no other writer came in between, and catches up when one did', async () => {
    const cache = new PostureCache(60_000, () => 0);
    const store = await withBucket(new KeyedUsageStore());
    const invocation = async (arn: string, otherWriterFirst = false) => {
      const lease = await cache.lease(store, 'current');
      const ledger = lease.ledger;
      if (otherWriterFirst) {
        const other = new Ledger();
        encrypt(other, 'arn:aws:s3:::racing', 'AES256', { time: 9, eventId: 'r' });
        await store.saveEntries(other.takeDirty());
        store.takeOwnPostureRevisions(); // made elsewhere
      }
      encrypt(ledger, arn, 'aws:kms', { time: 5, eventId: arn });
      await store.saveEntries(ledger.takeDirty());
      cache.release(lease, true, store.takeOwnPostureRevisions());
    };
    await invocation('arn:aws:s3:::one');
    await invocation('arn:aws:s3:::two');
    expect(store.scans).toBe(1);
    await invocation('arn:aws:s3:::three', true);
    // the copy missed the racing write: the next management event reads what was written since and sees it
    const seen = bucketsOf((await cache.lease(store, 'current')).ledger);
    expect(seen).toEqual(['arn:aws:s3:::one', 'arn:aws:s3:::payroll', 'arn:aws:s3:::racing', 'arn:aws:s3:::three', 'arn:aws:s3:::two']);
    expect(store.scans).toBe(1);
  });

  it('scans instead when the store cannot say what changed: no records kept, too many revisions behind, or too old a copy', async () => {
    let now = 0;
    const cache = new PostureCache(60_000, () => now, 300_000);
    const store = await withBucket(new KeyedUsageStore());
    store.takeOwnPostureRevisions();
    let written = 0;
    const elsewhere = async (count: number) => {
      for (let i = 0; i < count; i++, written++) {
        const other = new Ledger();
        encrypt(other, `arn:aws:s3:::elsewhere-${written}`, 'AES256', { time: 10 + written, eventId: `x${written}` });
        await store.saveEntries(other.takeDirty());
      }
      store.takeOwnPostureRevisions();
    };
    await cache.current(store);
    await elsewhere(2);
    await cache.current(store);
    expect(store.scans).toBe(1);
    // more revisions apart than records are read for
    await elsewhere(POSTURE_CHANGES_SPAN + 1);
    expect((await cache.current(store)).length).toBe(1 + 2 + POSTURE_CHANGES_SPAN + 1);
    expect(store.scans).toBe(2);
    // a store that keeps no records
    const changes = store.postureChanges.bind(store);
    store.postureChanges = async () => undefined;
    await elsewhere(1);
    await cache.current(store);
    expect(store.scans).toBe(3);
    store.postureChanges = changes;
    // a copy five minutes past its scan, even when the records could say
    now = 301_000;
    await elsewhere(1);
    await cache.current(store);
    expect(store.scans).toBe(4);
    // what the functions report as metrics, once
    expect(cache.takeReads()).toEqual({ scans: 4, catchUps: 1 });
    expect(cache.takeReads()).toEqual({ scans: 0, catchUps: 0 });
  });

  it('does not take the moves of an invocation that failed after its save for those of the next one', async () => {
    const cache = new PostureCache(60_000, () => 0);
    const store = await withBucket(new KeyedUsageStore());
    await cache.current(store);
    // a management event saves a change, then fails (its alert could not be published): it is never released
    const failed = new Ledger();
    failed.load(await store.loadEntries());
    encrypt(failed, 'arn:aws:s3:::failed', 'aws:kms', { time: 7, eventId: 'x' });
    await store.saveEntries(failed.takeDirty());
    // a data event is served from the copy, changes nothing, and is released with the revisions the store reports
    const data = await cache.lease(store, 'cached');
    cache.release(data, true, store.takeOwnPostureRevisions());
    // the next management event must see the failed invocation's change
    expect((await cache.lease(store, 'current')).ledger.bucket('arn:aws:s3:::failed')).toBeDefined();
  });

  it('trusts a revised copy for a few minutes after its scan at most, whether data or management events read it', async () => {
    let now = 0;
    const cache = new PostureCache(60_000, () => now, 300_000);
    const store = await withBucket(new KeyedUsageStore());
    await cache.entries(store);
    await cache.current(store);
    expect(store.scans).toBe(1);
    now = 299_000;
    await cache.current(store);
    expect(store.scans).toBe(1);
    // checked a second ago, but scanned five minutes ago: summaries and dead writers' changes move no revision
    now = 301_000;
    await cache.entries(store);
    expect(store.scans).toBe(2);
    await cache.current(store);
    expect(store.scans).toBe(2);
    now = 602_000;
    await cache.current(store);
    expect(store.scans).toBe(3);
  });

  it('lets a warm environment skip the scan of the state table, and catch up on what another environment changed (DynamoDB)', async () => {
    const local = dynamo();
    await local.createTable('revision-state');
    await local.createTable('revision-markers');
    const policy = policyFromInput();
    const environment = () => {
      const store = new DynamoDbStateStore({ tableName: 'revision-state', markersTableName: 'revision-markers', client: local.client });
      const counted = Object.assign(store, { scans: 0 });
      const load = store.loadEntries.bind(store);
      counted.loadEntries = async () => (counted.scans++, load());
      return { store: counted, cache: new PostureCache() };
    };
    const run = async ({ store, cache }: { store: StateStore; cache: PostureCache }, overrides: Record<string, unknown>) => {
      const lease = await cache.lease(store, 'current');
      const pipeline = await Pipeline.create({ policy, store, ledger: async () => lease.ledger });
      const [item] = normalizeValue(record(overrides), { source: 'test' });
      if (item?.kind !== 'event') throw new Error('fixture');
      const outcome = await pipeline.process(item.event);
      await pipeline.save();
      cache.release(lease, true, store.takeOwnPostureRevisions?.());
      return outcome.findings;
    };
    const KEY = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const BUCKET = 'arn:aws:s3tables:us-east-1:111122223333:bucket/analytics';
    const a = environment();
    const b = environment();
    await run(b, { eventID: 'b1', eventTime: '2025-01-10T10:00:00Z', eventName: 'CreateTableBucket', requestParameters: { name: 'analytics', encryptionConfiguration: { sseAlgorithm: 'aws:kms', kmsKeyArn: KEY } }, responseElements: { arn: BUCKET } });
    await run(b, { eventID: 'b2', eventTime: '2025-01-10T10:01:00Z', eventSource: 'kms.amazonaws.com', eventName: 'EnableKeyRotation', requestParameters: { keyId: KEY }, resources: [{ ARN: KEY }] });
    expect(b.store.scans).toBe(1);
    await run(a, { eventID: 'a1', eventTime: '2025-01-10T10:02:00Z', eventName: 'CreateTable', requestParameters: { tableBucketARN: BUCKET, namespace: 'sales', name: 'orders' }, responseElements: { tableARN: `${BUCKET}/table/orders-id` } });
    const findings = await run(b, { eventID: 'b3', eventTime: '2025-01-10T10:03:00Z', eventSource: 'kms.amazonaws.com', eventName: 'DisableKey', requestParameters: { keyId: KEY }, resources: [{ ARN: KEY }] });
    // A moved the revision: B read what A wrote (its record, then those items), and so knows the table A saw created
    // under the key, without scanning again
    expect(b.store.scans).toBe(1);
    expect(findings.find((f) => f.ruleId === 'kms.key-disabled')?.blastRadius?.tables).toEqual({ count: 1, arns: [`${BUCKET}/table/orders-id`] });
  });

  it('reads the revision item, not the whole state table, when a data-event copy\'s minute ends, and what changed when it moved (DynamoDB)', async () => {
    const local = dynamo();
    await local.createTable('data-copy-state');
    await local.createTable('data-copy-markers');
    const commands: string[] = [];
    local.client.middlewareStack.add(((next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      commands.push(String(context.commandName).replace(/Command$/, ''));
      return next(args);
    }) as never, { step: 'initialize', name: 'countDataCopyCommands' });
    const store = new DynamoDbStateStore({ tableName: 'data-copy-state', markersTableName: 'data-copy-markers', client: local.client });
    const writer = new DynamoDbStateStore({ tableName: 'data-copy-state', markersTableName: 'data-copy-markers', client: local.client });
    const change = async (bucket: string, time: number) => {
      const ledger = new Ledger();
      encrypt(ledger, `arn:aws:s3:::${bucket}`, 'aws:kms', { time, eventId: bucket });
      await writer.saveEntries(ledger.takeDirty());
    };
    await change('first', 1);
    let now = 0;
    const cache = new PostureCache(60_000, () => now);
    await cache.entries(store);
    expect(commands.filter((name) => name === 'Scan')).toHaveLength(1);
    commands.length = 0;
    now = 61_000;
    const kept = await cache.entries(store);
    expect(commands).toEqual(['GetItem']);
    expect(kept.map((entry) => (entry as BucketEntry).arn)).toEqual(['arn:aws:s3:::first']);
    await change('second', 2);
    commands.length = 0;
    now = 122_000;
    const caughtUp = await cache.entries(store);
    // the revision, the record of the save that moved it (markers table), the entry it names (state table)
    expect(commands).toEqual(['GetItem', 'BatchGetItem', 'BatchGetItem']);
    expect(caughtUp.map((entry) => (entry as BucketEntry).arn).sort()).toEqual(['arn:aws:s3:::first', 'arn:aws:s3:::second']);
    // and a scan once the copy is five minutes old
    await change('third', 3);
    commands.length = 0;
    now = 301_000;
    const scanned = await cache.entries(store);
    expect(commands).toEqual(['GetItem', 'Scan']);
    expect(scanned.map((entry) => (entry as BucketEntry).arn).sort()).toEqual(['arn:aws:s3:::first', 'arn:aws:s3:::second', 'arn:aws:s3:::third']);
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
