import { DeleteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { entryKey, Ledger, type BucketEntry, type LedgerEntry } from '../../src/correlate/ledger.js';
import { DynamoDbStateStore } from '../../src/state/dynamodb.js';
import { POSTURE_CHANGE_KEYS } from '../../src/state/store.js';
import { localDynamoPerFile } from './dynalite-server.js';

const local = localDynamoPerFile();

/** `count` stores on a state table and a markers table of their own, named beside them. */
async function stores(count: number): Promise<DynamoDbStateStore[] & { tableName: string; markersTableName: string }> {
  const tables = await local().createStateTables();
  return Object.assign(Array.from({ length: count }, () => new DynamoDbStateStore({ ...tables, client: local().client })), tables);
}

/** Bucket entries changed by one save: each ARN set to `sseAlgorithm` at event time `time`. */
function buckets(arns: readonly string[], sseAlgorithm: string, time: number): LedgerEntry[] {
  const ledger = new Ledger();
  for (const arn of arns) ledger.update<BucketEntry>({ kind: 'bucket', arn }, { encryption: { sseAlgorithm } }, { time, eventId: `e-${time}-${arn}` });
  return ledger.takeDirty();
}

/** A copy with the changed entries in place of the old, as PostureCache catches up; sorted by key to compare. */
function caughtUp(copy: readonly LedgerEntry[], changed: readonly LedgerEntry[]): LedgerEntry[] {
  const byKey = new Map(copy.map((entry) => [entryKey(entry), entry]));
  for (const entry of changed) byKey.set(entryKey(entry), entry);
  return sorted([...byKey.values()]);
}

const sorted = (entries: readonly LedgerEntry[]) => [...entries].sort((a, b) => (entryKey(a) < entryKey(b) ? -1 : 1));

describe('posture change records (DynamoDB)', () => {
  it('numbers racing saves one after another, so a reader catching up from any revision holds what a scan holds', async () => {
    const arns = ['arn:aws:s3:::a', 'arn:aws:s3:::b', 'arn:aws:s3:::c', 'arn:aws:s3:::d'];
    const save = fc.record({ writer: fc.nat(2), arns: fc.subarray(arns, { minLength: 1 }), sse: fc.constantFrom('AES256', 'aws:kms'), time: fc.integer({ min: 1, max: 50 }) });
    // each round's saves run at once: their records and revision moves race
    const rounds = fc.array(fc.array(save, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 5 });
    await fc.assert(fc.asyncProperty(rounds, async (plan) => {
      const [reader, ...writers] = await stores(4);
      const copies: { revision: number; entries: LedgerEntry[] }[] = [];
      for (const round of plan) {
        // a reader's copy between rounds: the revision, then the scan (as PostureCache reads them)
        const revision = await reader!.postureRevision();
        copies.push({ revision, entries: await reader!.loadEntries() });
        await Promise.all(round.map(({ writer, arns: written, sse, time }) => writers[writer]!.saveEntries(buckets(written, sse, time))));
      }
      const revision = await reader!.postureRevision();
      const scanned = sorted(await reader!.loadEntries());
      // every save moved the posture to a number of its own (or more: one that found its number passed before its
      // writes were done announces them again under a new one)
      expect(revision).toBeGreaterThanOrEqual(plan.flat().length);
      for (const copy of copies) {
        const changed = await reader!.postureChanges(copy.revision, revision);
        expect(changed).toBeDefined();
        expect(caughtUp(copy.entries, changed!)).toEqual(scanned);
      }
    }), { numRuns: 10 });
  });

  it('keeps a reader that catches up while the saves race, in any order of their requests, holding what a scan holds', async () => {
    const arns = ['arn:aws:s3:::a', 'arn:aws:s3:::b', 'arn:aws:s3:::c'];
    const save = fc.record({ writer: fc.nat(2), arns: fc.subarray(arns, { minLength: 1 }), sse: fc.constantFrom('AES256', 'aws:kms', 'aws:kms:dsse'), time: fc.integer({ min: 1, max: 50 }) });
    // each round: saves and a few catch-ups of one reader, all at once
    const rounds = fc.array(fc.record({ saves: fc.array(save, { minLength: 1, maxLength: 3 }), catchUps: fc.integer({ min: 1, max: 3 }) }), { minLength: 1, maxLength: 4 });
    await fc.assert(fc.asyncProperty(rounds, fc.scheduler(), async (plan, scheduler) => {
      const created = await stores(0);
      // every request of these stores waits for fast-check to let it go: the scheduler picks the order they are sent in
      const client = new DynamoDBClient({ endpoint: local().endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
      client.middlewareStack.add(((next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
        await scheduler.schedule(Promise.resolve(), String(context.commandName));
        return next(args);
      }) as never, { step: 'initialize', name: 'scheduledRequests' });
      const [reader, ...writers] = Array.from({ length: 4 }, () => new DynamoDbStateStore({ tableName: created.tableName, markersTableName: created.markersTableName, client }));
      try {
        let copy = { revision: 0, entries: [] as LedgerEntry[] };
        // as PostureCache does: the revision first, then what changed up to it (a scan when the records cannot say)
        const catchUp = async () => {
          const revision = await reader!.postureRevision();
          if (revision === copy.revision) return;
          const changed = await reader!.postureChanges(copy.revision, revision);
          copy = { revision, entries: changed ? caughtUp(copy.entries, changed) : sorted(await reader!.loadEntries()) };
        };
        for (const round of plan) {
          const catchingUp = (async () => { for (let i = 0; i < round.catchUps; i++) await catchUp(); })();
          await scheduler.waitFor(Promise.all([...round.saves.map(({ writer, arns: written, sse, time }) => writers[writer]!.saveEntries(buckets(written, sse, time))), catchingUp]));
        }
        await scheduler.waitFor(catchUp());
        expect(copy.entries).toEqual(sorted(await scheduler.waitFor(reader!.loadEntries())));
      } finally {
        client.destroy();
      }
    }), { numRuns: 30 });
  });

  it('takes the next free number when its last known revision is behind, reading the revision only then', async () => {
    const [a, b] = await stores(2);
    await a!.saveEntries(buckets(['arn:aws:s3:::one'], 'AES256', 1));
    await b!.saveEntries(buckets(['arn:aws:s3:::two'], 'AES256', 2));
    // a knows revision 1 only: 2 is taken, it reads the revision and takes 3
    const before = local().operations.length;
    await a!.saveEntries(buckets(['arn:aws:s3:::three'], 'AES256', 3));
    // the entry (read, a never scanned, then written) beside the record for 2 (refused), the revision, the record for
    // 3; then the move
    const operations = local().operations.slice(before);
    expect([...operations].sort()).toEqual(['GetItem', 'GetItem', 'PutItem', 'PutItem', 'PutItem', 'UpdateItem']);
    expect(operations.at(-1)).toBe('UpdateItem');
    expect(await b!.postureRevision()).toBe(3);
    expect(sorted((await b!.postureChanges(1, 3))!).map(entryKey)).toEqual(['b|arn:aws:s3:::three', 'b|arn:aws:s3:::two']);
    expect(a!.takeOwnPostureRevisions()).toEqual([1, 3]);
  });

  it('never moves the revision back: a save passed by a later one before its move announces its writes again, later', async () => {
    const created = await stores(2);
    const [quick, reader] = created;
    // late's revision update waits until quick's save is done
    let released!: () => void;
    const quickDone = new Promise<void>((resolve) => (released = resolve));
    const lateClient = new DynamoDBClient({ endpoint: local().endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
    lateClient.middlewareStack.add(((next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      if (String(context.commandName).startsWith('Update')) await quickDone;
      return next(args);
    }) as never, { step: 'initialize', name: 'holdRevisionMove' });
    const held = new DynamoDbStateStore({ tableName: created.tableName, markersTableName: created.markersTableName, client: lateClient });
    const lateSave = held.saveEntries(buckets(['arn:aws:s3:::late'], 'AES256', 1));
    // quick starts once late's record for revision 1 is there: it takes 2 and moves the revision to it
    while (!(await reader!.postureChanges(0, 1))) await new Promise((resolve) => setTimeout(resolve, 5));
    await quick!.saveEntries(buckets(['arn:aws:s3:::quick'], 'AES256', 2));
    const caughtUpAt2 = sorted((await reader!.postureChanges(0, 2))!).map(entryKey);
    released();
    await lateSave;
    // a reader that caught up to 2 may have read late's keys before its writes landed: late moved it on to 3
    expect(caughtUpAt2).toEqual(['b|arn:aws:s3:::late', 'b|arn:aws:s3:::quick']);
    expect(await reader!.postureRevision()).toBe(3);
    expect(held.takeOwnPostureRevisions()).toEqual([3]);
    expect((await reader!.postureChanges(2, 3))?.map(entryKey)).toEqual(['b|arn:aws:s3:::late']);
    lateClient.destroy();
  });

  it('claims past the revision when the records below it are gone with their TTL, known long ago or never', async () => {
    const created = await stores(3);
    const [busy, stale, fresh] = created;
    await busy!.saveEntries(buckets(['arn:aws:s3:::first'], 'AES256', 1));
    await stale!.postureRevision();
    for (let i = 2; i <= 40; i++) await busy!.saveEntries(buckets([`arn:aws:s3:::b${i}`], 'AES256', i));
    // an hour later, their records are gone
    for (let revision = 1; revision <= 40; revision++) {
      await local().client.send(new DeleteItemCommand({ TableName: created.markersTableName, Key: { pk: { S: `posture-change|${revision}` } } }));
    }
    await fresh!.saveEntries(buckets(['arn:aws:s3:::fresh'], 'aws:kms', 41));
    await stale!.saveEntries(buckets(['arn:aws:s3:::stale'], 'aws:kms', 42));
    expect(await busy!.postureRevision()).toBe(42);
    expect(sorted((await busy!.postureChanges(40, 42))!).map(entryKey)).toEqual(['b|arn:aws:s3:::fresh', 'b|arn:aws:s3:::stale']);
  });

  it('counts the record of a saver that died before moving the revision once the next save moves past it', async () => {
    const [dead, next, reader] = await stores(3);
    await next!.saveEntries(buckets(['arn:aws:s3:::first'], 'AES256', 1));
    await dead!.postureRevision();
    local().failNext('UpdateItem', 1, 'InternalServerError');
    await expect(dead!.saveEntries(buckets(['arn:aws:s3:::orphan'], 'aws:kms', 2))).rejects.toThrow();
    // written and recorded, not announced
    expect(await reader!.postureRevision()).toBe(1);
    await next!.saveEntries(buckets(['arn:aws:s3:::later'], 'AES256', 3));
    expect(await reader!.postureRevision()).toBe(3);
    expect(sorted((await reader!.postureChanges(1, 3))!).map(entryKey)).toEqual(['b|arn:aws:s3:::later', 'b|arn:aws:s3:::orphan']);
    expect(sorted(await reader!.loadEntries()).map(entryKey)).toEqual(['b|arn:aws:s3:::first', 'b|arn:aws:s3:::later', 'b|arn:aws:s3:::orphan']);
  });

  it('cannot tell what changed (the reader scans) after a save of too many entries, or when a record is gone', async () => {
    const created = await stores(2);
    const [writer, reader] = created;
    await writer!.saveEntries(buckets(['arn:aws:s3:::one'], 'AES256', 1));
    const sweep = Array.from({ length: POSTURE_CHANGE_KEYS + 1 }, (_, i) => `arn:aws:s3:::swept-${i}`);
    await writer!.saveEntries(buckets(sweep, 'AES256', 2));
    await writer!.saveEntries(buckets(['arn:aws:s3:::three'], 'AES256', 3));
    expect(await reader!.postureChanges(1, 3)).toBeUndefined();
    expect((await reader!.postureChanges(2, 3))?.map(entryKey)).toEqual(['b|arn:aws:s3:::three']);
    expect(await reader!.postureChanges(0, 1)).toHaveLength(1);
    // a record its TTL removed
    await local().client.send(new DeleteItemCommand({ TableName: created.markersTableName, Key: { pk: { S: 'posture-change|1' } } }));
    expect(await reader!.postureChanges(0, 1)).toBeUndefined();
  });
});
