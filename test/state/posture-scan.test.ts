import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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

async function postureTable(entries: LedgerEntry[]): Promise<DynamoDbStateStore> {
  const suffix = Math.random().toString(36).slice(2, 8);
  await local().createTable(`state-${suffix}`);
  await local().createTable(`markers-${suffix}`);
  await stored(`state-${suffix}`, entries);
  return new DynamoDbStateStore({ tableName: `state-${suffix}`, markersTableName: `markers-${suffix}`, client: local().client });
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
});
