import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ledger, type BucketEntry, type LedgerEntry } from '../../src/correlate/ledger.js';
import { DynamoDbStateStore } from '../../src/state/dynamodb.js';
import { localDynamoPerFile } from './dynalite-server.js';

const local = localDynamoPerFile();

const BUCKET = 'arn:aws:s3:::payroll';

/** A bucket entry changed by one event: `patch` at event time `time`. */
function change(patch: Partial<BucketEntry>, time: number, arn = BUCKET): LedgerEntry[] {
  const ledger = new Ledger();
  ledger.update<BucketEntry>({ kind: 'bucket', arn }, patch, { time, eventId: `e-${time}` });
  return ledger.takeDirty();
}

async function stores(count: number): Promise<DynamoDbStateStore[]> {
  const tables = await local().createStateTables();
  return Array.from({ length: count }, () => new DynamoDbStateStore({ ...tables, client: local().client }));
}

/** Every command sent through the local server's client, with the key it names. */
const sent: { command: string; pk?: unknown }[] = [];
const tracked = new WeakSet<object>();
/** Posture entry writes still to fail (as a server error would: the write's outcome unknown). */
let failingEntryPuts = 0;

const keyOf = (pk: unknown) => (typeof pk === 'object' && pk !== null && 'S' in pk ? (pk as { S: unknown }).S : pk);
/** The posture revision's move: its record (markers table) and its update. */
const movesRevision = ({ pk }: { pk?: unknown }) => keyOf(pk) === 'meta|posture-revision' || String(keyOf(pk)).startsWith('posture-change|');

function track(): void {
  const { client } = local();
  if (tracked.has(client)) return;
  tracked.add(client);
  client.middlewareStack.add(((next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: { input: { Key?: { pk?: unknown }; Item?: { pk?: unknown } } }) => {
    const request = { command: String(context.commandName).replace(/Command$/, ''), pk: args.input.Key?.pk ?? args.input.Item?.pk };
    sent.push(request);
    if (request.command === 'PutItem' && !movesRevision(request) && failingEntryPuts > 0) {
      failingEntryPuts--;
      throw Object.assign(new Error('injected InternalServerError'), { name: 'InternalServerError' });
    }
    return next(args);
  }) as never, { step: 'initialize', name: 'trackPostureWrites' });
}

/** The operations `act` made on posture entries: the posture revision's move left out. */
async function operations(act: () => Promise<unknown>): Promise<string[]> {
  track();
  const before = sent.length;
  await act();
  return sent.slice(before).filter((request) => !movesRevision(request)).map((request) => request.command);
}

const bucketIn = (entries: LedgerEntry[]) => entries.find((entry): entry is BucketEntry => entry.kind === 'bucket' && entry.arn === BUCKET);

describe('posture writes to the state table', () => {
  it('writes an entry it scanned, or one its scan did not hold, without reading it first', async () => {
    const [seed, store] = await stores(2);
    await seed!.saveEntries(change({ encryption: { sseAlgorithm: 'AES256' } }, 1));
    await store!.loadEntries();
    expect(await operations(() => store!.saveEntries(change({ encryptionSource: 'request' }, 2)))).toEqual(['PutItem']);
    expect(await operations(() => store!.saveEntries(change({ encryption: { sseAlgorithm: 'aws:kms' } }, 3, 'arn:aws:s3:::new')))).toEqual(['PutItem']);
    // and again after its own write
    expect(await operations(() => store!.saveEntries(change({ encryption: { sseAlgorithm: 'aws:kms' } }, 4)))).toEqual(['PutItem']);
    expect(bucketIn(await seed!.loadEntries())).toMatchObject({ encryption: { sseAlgorithm: 'aws:kms' }, encryptionSource: 'request' });
  });

  it('reads and merges when another writer changed the entry since it was seen: both writers\' fields are kept', async () => {
    const [a, b] = await stores(2);
    await a!.saveEntries(change({ encryption: { sseAlgorithm: 'AES256' } }, 1));
    await a!.loadEntries();
    await b!.loadEntries();
    await b!.saveEntries(change({ encryption: { sseAlgorithm: 'aws:kms', kmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/k' } }, 3));
    // a's copy is a revision behind: its write is refused, then it reads and merges
    expect(await operations(() => a!.saveEntries(change({ encryptionSource: 'inventory' }, 2)))).toEqual(['PutItem', 'GetItem', 'PutItem']);
    // an older change of a field b set later loses to it
    await a!.saveEntries(change({ encryption: { sseAlgorithm: 'AES256' } }, 2));
    expect(bucketIn(await b!.loadEntries())).toMatchObject({ encryption: { sseAlgorithm: 'aws:kms' }, encryptionSource: 'inventory' });
  });

  it('writes a new entry another writer created since its scan by reading and merging it', async () => {
    const [a, b] = await stores(2);
    await a!.loadEntries();
    await b!.saveEntries(change({ encryption: { sseAlgorithm: 'AES256' } }, 1));
    expect(await operations(() => a!.saveEntries(change({ encryptionSource: 'request' }, 2)))).toEqual(['PutItem', 'GetItem', 'PutItem']);
    expect(bucketIn(await b!.loadEntries())).toMatchObject({ encryption: { sseAlgorithm: 'AES256' }, encryptionSource: 'request' });
  });

  it('reads first when it has not scanned, and after a write whose outcome it does not know', async () => {
    const [seed, store] = await stores(2);
    await seed!.saveEntries(change({ encryption: { sseAlgorithm: 'AES256' } }, 1));
    expect(await operations(() => store!.saveEntries(change({ encryptionSource: 'request' }, 2)))).toEqual(['GetItem', 'PutItem']);
    await store!.loadEntries();
    track();
    failingEntryPuts = 1;
    await expect(store!.saveEntries(change({ encryption: { sseAlgorithm: 'aws:kms' } }, 3))).rejects.toThrow();
    expect(await operations(() => store!.saveEntries(change({ encryption: { sseAlgorithm: 'aws:kms' } }, 3)))).toEqual(['GetItem', 'PutItem']);
  });

  it('converges on the newest value of every field whatever each writer saw, and when, and however their writes race', async () => {
    const field = fc.oneof(
      fc.constantFrom('AES256', 'aws:kms', 'aws:kms:dsse').map((sseAlgorithm) => ({ encryption: { sseAlgorithm } }) as Partial<BucketEntry>),
      fc.constantFrom('request', 'inventory', 'default-after-delete').map((encryptionSource) => ({ encryptionSource }) as Partial<BucketEntry>),
    );
    const step = fc.record({ writer: fc.nat(2), scan: fc.boolean(), patch: field, time: fc.integer({ min: 1, max: 40 }) });
    // each round's steps run at once: their scans and writes race
    const rounds = fc.array(fc.array(step, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 5 });
    await fc.assert(fc.asyncProperty(rounds, async (plan) => {
      const writers = await stores(3);
      const newest = new Map<string, { version: [number, string]; value: unknown }>();
      let n = 0;
      for (const round of plan) {
        await Promise.all(round.map(async ({ writer, scan, patch, time }) => {
          const eventId = `e-${String(n++).padStart(3, '0')}`;
          for (const [name, value] of Object.entries(patch)) {
            const held = newest.get(name);
            if (!held || held.version[0] < time || (held.version[0] === time && held.version[1] < eventId)) newest.set(name, { version: [time, eventId], value });
          }
          if (scan) await writers[writer]!.loadEntries();
          const ledger = new Ledger();
          ledger.update<BucketEntry>({ kind: 'bucket', arn: BUCKET }, patch, { time, eventId });
          await writers[writer]!.saveEntries(ledger.takeDirty());
        }));
      }
      const stored = bucketIn(await writers[0]!.loadEntries()) as unknown as Record<string, unknown>;
      for (const [name, { value }] of newest) expect(stored[name]).toEqual(value);
    }), { numRuns: 12 });
  });
});

