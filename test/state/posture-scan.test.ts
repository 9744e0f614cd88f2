import { BatchWriteCommand, DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { entryKey, type LedgerEntry, type PolicyEnforcementEntry } from '../../src/correlate/ledger.js';
import { DynamoDbStateStore } from '../../src/state/dynamodb.js';
import { localDynamoPerFile } from './dynalite-server.js';

const local = localDynamoPerFile();

/** A bucket policy that allows any of 40 keys: ~3.7 KB stored, so a few hundred fill more than one Scan page (1 MB). */
function bucketPolicy(n: number): PolicyEnforcementEntry {
  const keys = Array.from({ length: 40 }, (_, k) => `arn:aws:kms:us-east-1:111122223333:key/${String(n).padStart(8, '0')}-0000-4000-8000-${String(k).padStart(12, '0')}`);
  return { kind: 'bucket-policy', arn: `arn:aws:s3:::data-${n}`, enforced: true, requiredKeys: keys, statements: ['DenyUnencryptedUploads', 'DenyOtherKeys'], version: { time: n, eventId: `e-${n}` } };
}

/** Writes the entries as the store stores them, 25 an item request. */
async function stored(tableName: string, entries: LedgerEntry[]): Promise<void> {
  const documents = DynamoDBDocumentClient.from(local().client);
  for (let i = 0; i < entries.length; i += 25) {
    const items = entries.slice(i, i + 25).map((entry) => ({ PutRequest: { Item: { pk: entryKey(entry), kind: entry.kind, entry: JSON.stringify(entry), rev: 1 } } }));
    const { UnprocessedItems } = await documents.send(new BatchWriteCommand({ RequestItems: { [tableName]: items } }));
    expect(UnprocessedItems?.[tableName] ?? []).toEqual([]);
  }
}

/** A state table holding `entries`, a markers table beside it, and a store on them. */
async function postureTableNamed(entries: LedgerEntry[]): Promise<{ store: DynamoDbStateStore; tables: { tableName: string; markersTableName: string } }> {
  const tables = await local().createStateTables();
  await stored(tables.tableName, entries);
  return { store: new DynamoDbStateStore({ ...tables, client: local().client }), tables };
}

async function postureTable(entries: LedgerEntry[]): Promise<DynamoDbStateStore> {
  return (await postureTableNamed(entries)).store;
}

const keysOf = (entries: LedgerEntry[]) => entries.map(entryKey).sort();

describe('the posture scan', () => {
  it('reads a posture that fits one Scan page in one request', async () => {
    const entries = Array.from({ length: 20 }, (_, n) => bucketPolicy(n));
    const store = await postureTable(entries);
    const before = local().operations.length;
    expect(keysOf(await store.loadEntries())).toEqual(keysOf(entries));
    expect(local().operations.slice(before)).toEqual(['Scan']);
  });

  it('reads a posture of several pages in segments at once, every entry exactly once', async () => {
    const entries = Array.from({ length: 700 }, (_, n) => bucketPolicy(n));
    const store = await postureTable(entries);
    const before = local().operations.length;
    // held requests overlap only when they are in flight together
    local().latencyMs = 20;
    try {
      const loaded = await store.loadEntries();
      expect(loaded).toHaveLength(entries.length);
      expect(keysOf(loaded)).toEqual(keysOf(entries));
      expect(loaded.find((entry) => entryKey(entry) === 'bp|arn:aws:s3:::data-123')).toEqual(entries[123]);
    } finally {
      local().latencyMs = 0;
    }
    const scans = local().operations.slice(before).filter((operation) => operation === 'Scan').length;
    // the first page, then eight segments (each of one page or two: 2.6 MB in all)
    expect(scans).toBeGreaterThanOrEqual(1 + 8);
    expect(scans).toBeLessThanOrEqual(1 + 16);
    expect(local().mostInFlight()).toBeGreaterThanOrEqual(8);
  });

  it('notes on the revision item that the posture spans several pages, so a cold start scans in segments at once', async () => {
    const entries = Array.from({ length: 400 }, (_, n) => bucketPolicy(n));
    const { store: first, tables } = await postureTableNamed(entries);
    await first.postureRevision();
    let before = local().operations.length;
    await first.loadEntries();
    // a first page to find out, eight segments (1.5 MB: one page each), then the note
    expect(local().operations.slice(before).filter((operation) => operation === 'Scan').length).toBe(1 + 8);
    expect(local().operations.slice(before).at(-1)).toBe('UpdateItem');
    // another environment's cold start: the revision, then the segments straight away, nothing to note
    const cold = new DynamoDbStateStore({ ...tables, client: local().client });
    expect(await cold.postureRevision()).toBe(0);
    before = local().operations.length;
    expect(keysOf(await cold.loadEntries())).toEqual(keysOf(entries));
    const operations = local().operations.slice(before);
    expect(operations.filter((operation) => operation === 'Scan').length).toBe(8);
    expect(operations).not.toContain('UpdateItem');
  });

  it('takes the note back when a posture marked as several pages fits one, so cold starts read it in one request again', async () => {
    const entries = Array.from({ length: 20 }, (_, n) => bucketPolicy(n));
    const { tables } = await postureTableNamed(entries);
    await DynamoDBDocumentClient.from(local().client).send(new UpdateCommand({ TableName: tables.tableName, Key: { pk: 'meta|posture-revision' }, UpdateExpression: 'SET severalScanPages = :several', ExpressionAttributeValues: { ':several': true } }));
    const marked = new DynamoDbStateStore({ ...tables, client: local().client });
    await marked.postureRevision();
    let before = local().operations.length;
    expect(keysOf(await marked.loadEntries())).toEqual(keysOf(entries));
    expect(local().operations.slice(before)).toEqual([...Array.from({ length: 8 }, () => 'Scan'), 'UpdateItem']);
    const cold = new DynamoDbStateStore({ ...tables, client: local().client });
    await cold.postureRevision();
    before = local().operations.length;
    expect(keysOf(await cold.loadEntries())).toEqual(keysOf(entries));
    expect(local().operations.slice(before)).toEqual(['Scan']);
  });
});
