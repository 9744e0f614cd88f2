import type { DynamoDBClient, DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import type { ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import pMap, { pMapSettled } from 'p-map';
import { isConditionalCheckFailed, type DocumentCalls } from './dynamodb-documents.js';
import { entryKey, USAGE_KEY_PREFIX, USAGE_RETENTION_WINDOWS, USAGE_WINDOW_MS, type LedgerEntry, type UsageEntry } from '../correlate/ledger.js';
import { mergeEntry, usageDelta } from './merge.js';
import { DEDUP_TTL_MS, keyMovesPosture, movesPosture, OwnRevisions, POSTURE_CHANGE_KEYS, POSTURE_CHANGES_SPAN, type StateStore } from './store.js';

const DEDUP_PREFIX = 'dedup|';
const COUNTER_PREFIX = 'counter|';
const BATCH_GET_SIZE = 100;
const BATCH_ATTEMPTS = 5;
/** Optimistic-concurrency attempts before a save gives up (and the invocation is retried). */
const MAX_MERGE_ATTEMPTS = 8;
const BATCH_DELETE_SIZE = 25;
/**
 * Requests in flight at once: a save's entries (a usage batch's counters are independent atomic updates, posture
 * entries merge each under its own condition) and a prefetch's BatchGetItem chunks. A save of a few hundred entries
 * waits for a few dozen round trips, not hundreds.
 */
const WRITE_CONCURRENCY = 32;
/** The state table's one item that is not an entry: the posture revision (see StateStore.postureRevision). */
const REVISION_KEY = 'meta|posture-revision';
/**
 * The record of the keys the save that moved the posture to a revision wrote (see movePosture), in the markers table:
 * never scanned, and gone with its TTL.
 */
const POSTURE_CHANGE_PREFIX = 'posture-change|';
/** Long past the few minutes a reader catches up by records before it scans again (PostureCache). */
const POSTURE_CHANGE_TTL_MS = 60 * 60 * 1000;
/**
 * Attempts at claiming a revision number for a save's record before the save fails (and is retried): one per saver
 * claiming at the same moment in other execution environments (a store's own saves claim one after another).
 */
const MAX_REVISION_CLAIMS = 32;
/** Segments a posture of more than one Scan page is read in, at once (see loadEntries). */
const POSTURE_SCAN_SEGMENTS = 8;
/** What one Scan page holds at most. */
const SCAN_PAGE_BYTES = 1024 * 1024;

interface EntryItem {
  pk: string;
  kind: string;
  /** The entry as JSON text: bounded in size (histories are capped, usage is counted per bucket, not per object). */
  entry: string;
  rev: number;
  expiresAt?: number;
}

/** A posture item's revision and content. */
interface Stored {
  rev: number;
  entry: LedgerEntry;
}

interface UsageItem {
  pk: string;
  kind: 'usage';
  entry: string;
  count: number;
  lastSeen: number;
  expiresAt: number;
}

export interface DynamoDbStateStoreOptions {
  tableName: string;
  /**
   * Where dedup markers and counters live (default: the same table). Deployed, a table of their own: at one marker per
   * event for 25 hours they are most of the items, and loading the ledger then never reads them.
   */
  markersTableName?: string;
  /** How the calls are made: signed JSON calls in Lambda (dynamodb-json.ts); by default the SDK's document client. */
  documents?: DocumentCalls;
  /** The SDK client (or its configuration) the document client wraps, when `documents` is not given. */
  client?: DynamoDBClient;
  clientConfig?: DynamoDBClientConfig;
  dedupTtlMs?: number;
}

/**
 * The deployed store: partition key `pk` (string), TTL attribute `expiresAt` (epoch seconds) on dedup markers and
 * usage counters, which live in the markers table (read by key) while the state table holds the posture (scanned). Ledger entries merge under optimistic concurrency (a `rev` attribute and conditional
 * puts); usage counters are atomic ADDs of each processor's delta; dedup claims are conditional puts, so of two
 * processors racing on one event id exactly one wins.
 */
export class DynamoDbStateStore implements StateStore {
  private readonly transport: Pick<DynamoDbStateStoreOptions, 'documents' | 'client' | 'clientConfig'>;
  private calls: Promise<DocumentCalls> | undefined;
  private readonly tableName: string;
  private readonly markersTableName: string;
  private readonly dedupTtlMs: number;
  private readonly ownRevisions = new OwnRevisions();
  /**
   * Each posture item as this store last saw it (its scan, its reads, its own writes): a save merges against it and
   * writes on the condition that the item still has that revision, without reading it first. When another writer came
   * in between, the condition fails and the save reads the item, as it did for every write before. Items are never
   * deleted and every write moves `rev`, so a revision names one content. Undefined: read it before writing (a write
   * of it failed, and may have landed or not).
   */
  private readonly seen = new Map<string, Stored | undefined>();
  /** A complete scan was read: an item it did not hold was absent then (written first on that guess, see seen). */
  private scanned = false;
  /**
   * The newest posture revision this store read or moved: where its next save starts claiming (movePosture). Undefined
   * until it read one: a number below the revision may be free again, its record gone with its TTL.
   */
  private knownRevision: number | undefined;
  /** What the revision item said when last read: the posture spans several Scan pages (see loadEntries). */
  private severalPages: boolean | undefined;
  /** About what the last scan read (its items' keys and entries): whether a posture fits one Scan page. */
  private scannedBytes = 0;
  /** This store's revision claims, one after another: its own concurrent saves would only race each other for numbers. */
  private claiming: Promise<void> = Promise.resolve();

  constructor(options: DynamoDbStateStoreOptions) {
    this.transport = options;
    this.tableName = options.tableName;
    this.markersTableName = options.markersTableName ?? options.tableName;
    this.dedupTtlMs = options.dedupTtlMs ?? DEDUP_TTL_MS;
  }

  /** The calls' transport, built on first use: the SDK's modules load only when no other transport is given. */
  private documents(): Promise<DocumentCalls> {
    const { documents, client, clientConfig } = this.transport;
    return (this.calls ??= documents ? Promise.resolve(documents) : import('./dynamodb-sdk.js').then(({ sdkDocuments }) => sdkDocuments(client, clientConfig)));
  }

  /**
   * The posture: every entry but the usage counters (loadUsage reads those by key). With markers and counters in the
   * same table they are read and dropped here; in their own table (deployed) they are never read. Usage items a
   * version before the move left in the state table are skipped (their TTL removes them within a week).
   *
   * A posture that fits one Scan page (1 MB) is read in one request. A larger one is read in POSTURE_SCAN_SEGMENTS
   * segments at once: its pages one after another kept a cold start waiting a round trip per MB. Which one it is, the
   * revision item says (a reader that found out otherwise notes it there; every function reads the revision before it
   * scans): without it, a first page tells, and is dropped when there are more (a segment cannot continue an
   * unsegmented scan), one MB read twice.
   */
  async loadEntries(): Promise<LedgerEntry[]> {
    this.seen.clear();
    this.scanned = false;
    this.scannedBytes = 0;
    let entries: LedgerEntry[];
    let several: boolean;
    if (this.severalPages) {
      entries = await this.scanSegments();
      several = this.scannedBytes > SCAN_PAGE_BYTES;
    } else {
      const first = await this.scanPosture();
      several = first.LastEvaluatedKey !== undefined;
      entries = several ? await this.scanSegments() : this.postureEntries(first.Items);
    }
    this.scanned = true;
    if (several !== (this.severalPages ?? false)) await this.noteSeveralPages(several);
    return entries;
  }

  private async scanSegments(): Promise<LedgerEntry[]> {
    return (await Promise.all(Array.from({ length: POSTURE_SCAN_SEGMENTS }, (_, segment) => this.scanSegment(segment)))).flat();
  }

  /** Tells the next cold starts how to scan (the revision item carries it; the revision itself does not move). */
  private async noteSeveralPages(several: boolean): Promise<void> {
    this.severalPages = several;
    try {
      await (await this.documents()).update({
        TableName: this.tableName,
        Key: { pk: REVISION_KEY },
        UpdateExpression: 'SET severalScanPages = :several',
        ExpressionAttributeValues: { ':several': several },
      });
    } catch {
      // a hint: without it the next scan reads a first page to find out, as before
    }
  }

  private async scanSegment(segment: number): Promise<LedgerEntry[]> {
    const entries: LedgerEntry[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.scanPosture({ Segment: segment, TotalSegments: POSTURE_SCAN_SEGMENTS, ExclusiveStartKey: startKey });
      for (const entry of this.postureEntries(page.Items)) entries.push(entry);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return entries;
  }

  private async scanPosture(paging: Pick<ScanCommandInput, 'Segment' | 'TotalSegments' | 'ExclusiveStartKey'> = {}) {
    const shared = this.markersTableName === this.tableName;
    return (await this.documents()).scan({
      TableName: this.tableName,
      // revision records too, whichever table a store configured otherwise wrote them to
      FilterExpression: `pk <> :revision AND NOT begins_with(pk, :usage) AND NOT begins_with(pk, :change)${shared ? ' AND NOT begins_with(pk, :dedup) AND NOT begins_with(pk, :counter)' : ''}`,
      ExpressionAttributeValues: { ':revision': REVISION_KEY, ':usage': USAGE_KEY_PREFIX, ':change': POSTURE_CHANGE_PREFIX, ...(shared ? { ':dedup': DEDUP_PREFIX, ':counter': COUNTER_PREFIX } : {}) },
      // a revision read before this scan must find every write that moved it (writers move it after writing)
      ConsistentRead: true,
      ...paging,
    });
  }

  private postureEntries(items: readonly Record<string, unknown>[] | undefined): LedgerEntry[] {
    return (items ?? []).map((item) => {
      this.scannedBytes += String(item['entry']).length + String(item['pk']).length;
      const entry = this.toEntry(item as unknown as EntryItem | UsageItem);
      if (typeof item['rev'] === 'number') this.seen.set(item['pk'] as string, { rev: item['rev'], entry });
      return entry;
    });
  }

  /** Usage counters by key, a hundred per BatchGetItem; keys never counted are simply absent. */
  async loadUsage(keys: readonly string[]): Promise<UsageEntry[]> {
    // counts read partially would make thresholds wrong: batchGetItems fails the invocation rather than judge on them
    return (await this.batchGetItems(this.markersTableName, keys, false)).map((item) => this.toEntry(item as unknown as UsageItem) as UsageEntry);
  }

  /** Items by key, a hundred per BatchGetItem, those chunks at once; absent keys are simply missing from the answer. */
  private async batchGetItems(table: string, keys: readonly string[], consistent: boolean): Promise<Record<string, unknown>[]> {
    const chunks: string[][] = [];
    for (let i = 0; i < keys.length; i += BATCH_GET_SIZE) chunks.push(keys.slice(i, i + BATCH_GET_SIZE));
    return (await pMap(chunks, (chunk) => this.batchGetChunk(table, chunk, consistent), { concurrency: WRITE_CONCURRENCY })).flat();
  }

  private async batchGetChunk(table: string, keys: readonly string[], consistent: boolean): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let request: Record<string, { Keys: Record<string, unknown>[]; ConsistentRead?: boolean }> | undefined = {
      [table]: { Keys: keys.map((pk) => ({ pk })), ...(consistent ? { ConsistentRead: true } : {}) },
    };
    for (let attempt = 1; request && Object.keys(request).length > 0; attempt++) {
      if (attempt > BATCH_ATTEMPTS) throw new Error(`${table}: keys still unprocessed after ${BATCH_ATTEMPTS} BatchGetItem attempts`);
      const result = await (await this.documents()).batchGet({ RequestItems: request });
      for (const item of result.Responses?.[table] ?? []) items.push(item);
      request = result.UnprocessedKeys as typeof request;
    }
    return items;
  }

  private toEntry(item: EntryItem | UsageItem): LedgerEntry {
    const entry = JSON.parse(item.entry) as LedgerEntry;
    if (item.kind === 'usage') {
      const usage = item as UsageItem;
      return { ...(entry as UsageEntry), count: usage.count, lastSeen: usage.lastSeen };
    }
    return entry;
  }

  async saveEntries(entries: readonly LedgerEntry[]): Promise<void> {
    // every write settles before the save answers: a failed save is retried with the events' claims released, and a
    // write still in flight (retrying) that landed after that answer would be counted twice
    const moved = entries.filter(movesPosture).map(entryKey);
    // the revision's record is claimed while the entries are written: one round trip before the move, not two
    const claim = moved.length > 0 ? settle(this.claimRevision(moved)) : undefined;
    const writes = await pMapSettled(entries, (entry) => (entry.kind === 'usage' ? this.addUsage(entry) : this.mergeVersioned(entry)), { concurrency: WRITE_CONCURRENCY });
    const claimed = await claim;
    const failed = writes.find((write) => write.status === 'rejected') ?? (claimed?.status === 'rejected' ? claimed : undefined);
    if (failed) throw failed.reason;
    // after every write it announces (see postureRevision)
    if (claimed?.status === 'fulfilled') await this.announce(claimed.value, moved);
  }

  async postureRevision(): Promise<number> {
    const item = (await (await this.documents()).get({ TableName: this.tableName, Key: { pk: REVISION_KEY }, ConsistentRead: true })).Item;
    const revision = typeof item?.['rev'] === 'number' ? item['rev'] : 0;
    this.knownRevision = Math.max(this.knownRevision ?? 0, revision);
    this.severalPages = item?.['severalScanPages'] === true;
    return revision;
  }

  /**
   * The records of the revisions after `from` up to `to` (one BatchGetItem), then the entries they name, by key:
   * strongly consistent, as a scan, so that a revision read before finds every write that moved it. The entries read
   * become what this store has seen of them (see seen).
   */
  async postureChanges(from: number, to: number): Promise<LedgerEntry[] | undefined> {
    if (to <= from) return [];
    if (to - from > POSTURE_CHANGES_SPAN) return undefined;
    const revisions = Array.from({ length: to - from }, (_, i) => `${POSTURE_CHANGE_PREFIX}${from + 1 + i}`);
    const records = await this.batchGetItems(this.markersTableName, revisions, true);
    if (records.length !== revisions.length || records.some((record) => !Array.isArray(record['keys']))) return undefined;
    const keys = [...new Set(records.flatMap((record) => record['keys'] as string[]))];
    const items = (await this.batchGetItems(this.tableName, keys, true)) as unknown as EntryItem[];
    if (items.length !== keys.length) return undefined;
    return items.map((item) => {
      const entry = JSON.parse(item.entry) as LedgerEntry;
      this.seen.set(item.pk, { rev: item.rev, entry });
      return entry;
    });
  }

  takeOwnPostureRevisions(): number[] {
    return this.ownRevisions.take();
  }

  /**
   * A save announces its posture writes by moving the revision, after them: a reader that sees the new revision and
   * then scans finds them. It also claims a revision number by recording the keys it writes under it (a conditional
   * put, made while the entries are written: of two savers, one gets each number, the other takes the next), and moves
   * the revision to that number unless someone moved it further already. So every revision up to the one a reader sees
   * has its record: a reader whose copy is a few revisions behind reads the entries named since instead of the whole
   * posture (postureChanges). When someone else moved the revision past this save's number, its readers may have read
   * these keys before this save's writes landed: the save claims a new number and moves the revision again. A saver
   * that dies before its move leaves its writes unannounced until another save moves past them, or a reader's copy
   * ages out (PostureCache), as before.
   */
  private async movePosture(keys: readonly string[]): Promise<void> {
    await this.announce(await this.claimRevision(keys), keys);
  }

  /** A revision number of this save's own, its record written. This store's own claims take turns (see claiming). */
  private claimRevision(keys: readonly string[]): Promise<number> {
    const claimed = this.claiming.then(() => this.claimNext(keys));
    this.claiming = claimed.then(() => undefined, () => undefined);
    return claimed;
  }

  private async claimNext(keys: readonly string[]): Promise<number> {
    const documents = await this.documents();
    let revision = (this.knownRevision ?? (await this.postureRevision())) + 1;
    for (let attempt = 1; ; attempt++) {
      try {
        await documents.put({
          TableName: this.markersTableName,
          Item: {
            pk: `${POSTURE_CHANGE_PREFIX}${revision}`,
            kind: 'posture-change',
            // too many to record (an inventory sweep): readers scan
            keys: keys.length <= POSTURE_CHANGE_KEYS ? keys : null,
            expiresAt: Math.ceil((Date.now() + POSTURE_CHANGE_TTL_MS) / 1000),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        });
        this.knownRevision = Math.max(this.knownRevision ?? 0, revision);
        return revision;
      } catch (error) {
        if (!isConditionalCheckFailed(error) || attempt >= MAX_REVISION_CLAIMS) throw error;
        // another saver holds it. The first time, past the revision as it stands now (this store may be far behind);
        // then the next number: numbers are taken one after another, and the revision lags the claims not yet moved
        revision = attempt === 1 ? Math.max(revision, await this.postureRevision()) + 1 : revision + 1;
      }
    }
  }

  /** Moves the revision to this save's number; claims a later one and moves again when someone moved it further. */
  private async announce(claimed: number, keys: readonly string[]): Promise<void> {
    const documents = await this.documents();
    for (let revision = claimed, attempt = 1; ; attempt++) {
      try {
        await documents.update({
          TableName: this.tableName,
          Key: { pk: REVISION_KEY },
          UpdateExpression: 'SET #kind = :kind, rev = :revision',
          ConditionExpression: 'attribute_not_exists(rev) OR rev < :revision',
          ExpressionAttributeNames: { '#kind': 'kind' },
          ExpressionAttributeValues: { ':kind': 'revision', ':revision': revision },
        });
        this.ownRevisions.record(revision);
        return;
      } catch (error) {
        if (!isConditionalCheckFailed(error) || attempt >= MAX_REVISION_CLAIMS) throw error;
        // someone moved it past this number; or the number was an old one whose record its TTL had removed (this store
        // knew the revision from a while ago): claim again from the revision as it stands now
        await this.postureRevision();
        revision = await this.claimRevision(keys);
      }
    }
  }

  /**
   * Counters only ever add: ADD the delta, keep the latest lastSeen. One request when this save's lastSeen is the
   * latest (nearly always); when another writer stored a later one, the condition fails, nothing is applied, and the
   * delta is added alone.
   */
  private async addUsage(entry: UsageEntry): Promise<void> {
    const { delta: _delta, count: _count, lastSeen: _lastSeen, ...identity } = entry;
    const expiresAt = Math.ceil((entry.windowStart + (USAGE_RETENTION_WINDOWS + 1) * USAGE_WINDOW_MS) / 1000);
    const add = {
      TableName: this.markersTableName,
      Key: { pk: entry.key },
      ExpressionAttributeNames: { '#kind': 'kind', '#entry': 'entry', '#count': 'count' },
      ExpressionAttributeValues: { ':kind': 'usage', ':entry': JSON.stringify(identity), ':expiresAt': expiresAt, ':delta': usageDelta(entry) },
    };
    const counted = 'SET #kind = :kind, #entry = if_not_exists(#entry, :entry), expiresAt = :expiresAt';
    try {
      await (await this.documents()).update({
        ...add,
        UpdateExpression: `${counted}, lastSeen = :lastSeen ADD #count :delta`,
        ConditionExpression: 'attribute_not_exists(lastSeen) OR lastSeen < :lastSeen',
        ExpressionAttributeValues: { ...add.ExpressionAttributeValues, ':lastSeen': entry.lastSeen },
      });
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      await (await this.documents()).update({ ...add, UpdateExpression: `${counted} ADD #count :delta` });
    }
  }

  /**
   * Merge field by field with the item as last seen (see `seen`), or as read when it was not seen, and write if nobody
   * wrote in between; otherwise read it again.
   */
  private async mergeVersioned(entry: LedgerEntry): Promise<void> {
    const pk = entryKey(entry);
    // undefined: not known, read it; null: absent
    let current: Stored | null | undefined = this.seen.has(pk) ? this.seen.get(pk) : this.scanned ? null : undefined;
    for (let attempt = 1; attempt <= MAX_MERGE_ATTEMPTS; attempt++) {
      if (current === undefined) current = await this.readStored(pk);
      const merged = mergeEntry(current?.entry, entry);
      const item: EntryItem = { pk, kind: merged.kind, entry: JSON.stringify(merged), rev: (current?.rev ?? 0) + 1 };
      try {
        await (await this.documents()).put({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: current ? 'rev = :rev' : 'attribute_not_exists(pk)',
          ...(current ? { ExpressionAttributeValues: { ':rev': current.rev } } : {}),
        });
        this.seen.set(pk, { rev: item.rev, entry: merged });
        return;
      } catch (error) {
        // a write that failed otherwise may still have landed: what is stored is not known any more
        this.seen.set(pk, undefined);
        if (!isConditionalCheckFailed(error)) throw error;
        current = undefined;
      }
    }
    throw new Error(`state table ${this.tableName}: ${pk} kept changing under concurrent writers; giving up after ${MAX_MERGE_ATTEMPTS} attempts`);
  }

  private async readStored(pk: string): Promise<Stored | null> {
    const item = (await (await this.documents()).get({ TableName: this.tableName, Key: { pk }, ConsistentRead: true })).Item as EntryItem | undefined;
    return item ? { rev: item.rev, entry: JSON.parse(item.entry) as LedgerEntry } : null;
  }

  /** Posture entries by key. Usage counters are left to their TTL (expiresAt ends their retention anyway). */
  async deleteEntries(allKeys: readonly string[]): Promise<void> {
    const keys = allKeys.filter((key) => !key.startsWith(USAGE_KEY_PREFIX));
    // nothing deletes posture entries today (pruning drops usage counters): were an entry deleted and written again, its
    // revisions would start over, and another environment's `seen` could take a new item for the old one
    for (const key of keys) this.seen.set(key, undefined);
    for (let i = 0; i < keys.length; i += BATCH_DELETE_SIZE) {
      let requests: Record<string, { DeleteRequest: { Key: { pk: string } } }[]> | undefined = {
        [this.tableName]: keys.slice(i, i + BATCH_DELETE_SIZE).map((pk) => ({ DeleteRequest: { Key: { pk } } })),
      };
      for (let attempt = 0; requests && Object.keys(requests).length > 0 && attempt < 5; attempt++) {
        const result = await (await this.documents()).batchWrite({ RequestItems: requests });
        requests = result.UnprocessedItems as typeof requests;
      }
    }
    const moved = keys.filter(keyMovesPosture);
    if (moved.length > 0) await this.movePosture(moved);
  }

  async claimEvent(eventId: string, nowMs: number, ttlMs = this.dedupTtlMs): Promise<boolean> {
    try {
      await (await this.documents()).put({
        TableName: this.markersTableName,
        Item: { pk: `${DEDUP_PREFIX}${eventId}`, kind: 'dedup', expiresAt: Math.ceil((nowMs + ttlMs) / 1000) },
        // TTL deletion lags by up to days: an expired marker counts as absent
        ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
        ExpressionAttributeValues: { ':now': Math.floor(nowMs / 1000) },
      });
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async releaseEvent(eventId: string): Promise<void> {
    await (await this.documents()).delete({ TableName: this.markersTableName, Key: { pk: `${DEDUP_PREFIX}${eventId}` } });
  }

  async incrementCounter(key: string, nowMs: number, ttlMs: number): Promise<number> {
    const pk = `${COUNTER_PREFIX}${key}`;
    const nowSeconds = Math.floor(nowMs / 1000);
    const expiresAt = Math.ceil((nowMs + ttlMs) / 1000);
    try {
      const result = await (await this.documents()).update({
        TableName: this.markersTableName,
        Key: { pk },
        UpdateExpression: 'SET #kind = :kind, expiresAt = :expiresAt ADD #value :one',
        ConditionExpression: 'attribute_not_exists(pk) OR expiresAt >= :now',
        ExpressionAttributeNames: { '#kind': 'kind', '#value': 'value' },
        ExpressionAttributeValues: { ':kind': 'counter', ':expiresAt': expiresAt, ':one': 1, ':now': nowSeconds },
        ReturnValues: 'UPDATED_NEW',
      });
      return Number(result.Attributes?.['value'] ?? 1);
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      // an expired counter TTL has not removed yet: start it again
      await (await this.documents()).put({ TableName: this.markersTableName, Item: { pk, kind: 'counter', value: 1, expiresAt } });
      return 1;
    }
  }

  async readCounter(key: string, nowMs: number): Promise<number> {
    const item = (await (await this.documents()).get({ TableName: this.markersTableName, Key: { pk: `${COUNTER_PREFIX}${key}` }, ConsistentRead: true })).Item;
    return item && Number(item['expiresAt']) >= Math.floor(nowMs / 1000) ? Number(item['value']) : 0;
  }

  async flush(): Promise<void> {}
}

/** A promise's outcome, never a rejection: to wait for it beside other work and decide afterwards. */
function settle<T>(promise: Promise<T>): Promise<PromiseSettledResult<T>> {
  return promise.then((value) => ({ status: 'fulfilled', value }), (reason: unknown) => ({ status: 'rejected', reason }));
}
