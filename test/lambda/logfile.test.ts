import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { policyFromInput } from '../../src/policy/load.js';
import { mockClient } from 'aws-sdk-client-mock';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { objectsOf, processLogObject } from '../../src/lambda/logfile.js';
import { Pipeline } from '../../src/pipeline.js';
import { DynamoDbStateStore } from '../../src/state/dynamodb.js';
import { MemoryStateStore } from '../../src/state/memory.js';
import { startLocalDynamo } from '../state/dynalite-server.js';
import { KeyedUsageStore } from '../state/keyed-usage-store.js';
import { EVENTS } from '../helpers.js';

const SPIKE = join(EVENTS, 'scenarios/decrypt-spike/111122223333_CloudTrail_us-east-1_20250110T1200Z_decryptSpike0001.json.gz');
/** S3 hands the body over in chunks: 1 KiB here, so records and the gzip stream cross chunk boundaries. */
function chunked(bytes: Buffer, size = 1024): Readable {
  return Readable.from(Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size)));
}
const pipeline = () => Pipeline.create({ policy: policyFromInput(), store: new MemoryStateStore() });

describe('CloudTrail log objects from S3', () => {
  it('streams a gzip log object through the pipeline', async () => {
    const s3 = mockClient(S3Client);
    const bytes = await readFile(SPIKE);
    s3.on(GetObjectCommand).callsFake(() => ({ Body: chunked(bytes) }));
    const result = await processLogObject(new S3Client({ region: 'us-east-1' }), { bucket: 'trail-logs', key: 'AWSLogs/111122223333/CloudTrail/us-east-1/2025/01/10/x.json.gz' }, await pipeline());
    expect(result.records).toBe(130);
    expect(result.errors).toEqual([]);
    expect(result.findings.map((f) => f.ruleId).sort()).toEqual(['kms.decrypt-spike', 'kms.per-object-data-keys']);
    s3.restore();
  });

  it('judges a log object against DynamoDB as in memory, prefetching usage counters once per hundred records', async () => {
    const dynamo = await startLocalDynamo();
    const s3 = mockClient(S3Client);
    try {
      await dynamo.createTable('logfile-state');
      await dynamo.createTable('logfile-markers');
      const bytes = await readFile(SPIKE);
      s3.on(GetObjectCommand).callsFake(() => ({ Body: chunked(bytes) }));
      const batchGets: number[] = [];
      dynamo.client.middlewareStack.add(((next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: { input: { RequestItems?: Record<string, { Keys: unknown[] }> } }) => {
        if (String(context.commandName).startsWith('BatchGet')) batchGets.push(Object.values(args.input.RequestItems ?? {})[0]?.Keys.length ?? 0);
        return next(args);
      }) as never, { step: 'initialize', name: 'countBatchGets' });
      const store = new DynamoDbStateStore({ tableName: 'logfile-state', markersTableName: 'logfile-markers', client: dynamo.client });
      const object = { bucket: 'trail-logs', key: 'AWSLogs/111122223333/CloudTrail/us-east-1/2025/01/10/x.json.gz' };
      const result = await processLogObject(new S3Client({ region: 'us-east-1' }), object, await Pipeline.create({ policy: policyFromInput(), store }));
      const inMemory = await processLogObject(new S3Client({ region: 'us-east-1' }), object, await pipeline());
      expect(result.records).toBe(130);
      expect(result.findings.map((f) => `${f.ruleId} ${f.eventId}`)).toEqual(inMemory.findings.map((f) => `${f.ruleId} ${f.eventId}`));
      // 130 records in two groups: at most one BatchGetItem per group (fewer when a group's counters were all asked for)
      expect(batchGets.length).toBeGreaterThan(0);
      expect(batchGets.length).toBeLessThanOrEqual(2);
    } finally {
      s3.restore();
      await dynamo.close();
    }
  });

  it('gives up the claims of what it judged when the object breaks off, so its retry counts every record once', async () => {
    const s3 = mockClient(S3Client);
    try {
      // 150 decrypts by as many roles: the second hundred-record group needs counters the first did not ask for
      const [template] = (JSON.parse(gunzipSync(await readFile(SPIKE)).toString('utf8')) as { Records: Record<string, any>[] }).Records;
      const records = Array.from({ length: 150 }, (_, i) => ({
        ...template, eventID: `0b000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        userIdentity: { type: 'IAMUser', principalId: `AIDA${i}`, arn: `arn:aws:iam::111122223333:user/reader-${i}`, accountId: '111122223333', userName: `reader-${i}` },
      }));
      const bytes = gzipSync(JSON.stringify({ Records: records }));
      s3.on(GetObjectCommand).callsFake(() => ({ Body: chunked(bytes) }));
      const store = new KeyedUsageStore();
      const object = { bucket: 'trail-logs', key: 'AWSLogs/111122223333/CloudTrail/us-east-1/2025/01/10/x.json.gz' };
      const run = async () => processLogObject(new S3Client({ region: 'us-east-1' }), object, await Pipeline.create({ policy: policyFromInput(), store }));
      const read = store.loadUsage.bind(store);
      let calls = 0;
      store.loadUsage = async (keys) => (++calls === 2 ? Promise.reject(new Error('throttled')) : read(keys));
      await expect(run()).rejects.toThrow('throttled');
      const retry = await run();
      expect(retry).toMatchObject({ records: 150, duplicates: 0 });
      // every decrypt was counted once, in the retry: one per role
      const ledger = (await Pipeline.create({ policy: policyFromInput(), store: new MemoryStateStore() })).ledger;
      ledger.load(await MemoryStateStore.prototype.loadEntries.call(store));
      const perRole = ledger.all().filter((e) => e.kind === 'usage' && e.principal !== '*');
      expect(perRole).toHaveLength(150);
      expect(perRole.every((e) => e.kind === 'usage' && e.count === 1)).toBe(true);
    } finally {
      s3.restore();
    }
  });

  it('counts other services\' records without claiming or judging them, and still reports a broken one', async () => {
    const s3 = mockClient(S3Client);
    try {
      const spike = (JSON.parse(gunzipSync(await readFile(SPIKE)).toString('utf8')) as { Records: Record<string, unknown>[] }).Records;
      const other = (i: number, overrides: Record<string, unknown> = {}) => ({ ...spike[0], eventID: `0c000000-0000-4000-8000-${String(i).padStart(12, '0')}`, eventSource: 'sts.amazonaws.com', eventName: 'AssumeRole', ...overrides });
      const records = [...spike.slice(0, 65), ...Array.from({ length: 70 }, (_, i) => other(i)), other(70, { eventTime: 'yesterday' }), ...spike.slice(65)];
      s3.on(GetObjectCommand).callsFake(() => ({ Body: chunked(gzipSync(JSON.stringify({ Records: records }))) }));
      const store = new MemoryStateStore();
      const claimed: string[] = [];
      const claim = store.claimEventNow.bind(store);
      store.claimEventNow = (id, now, time) => (claimed.push(id), claim(id, now, time));
      const object = { bucket: 'trail-logs', key: 'AWSLogs/111122223333/CloudTrail/us-east-1/2025/01/10/x.json.gz' };
      const result = await processLogObject(new S3Client({ region: 'us-east-1' }), object, await Pipeline.create({ policy: policyFromInput(), store }));
      expect(result.records).toBe(130 + 70);
      expect(result.errors).toEqual([expect.stringMatching(/\(record 135\): .*eventTime "yesterday" is not a date/)]);
      expect(result.findings.map((f) => f.ruleId).sort()).toEqual(['kms.decrypt-spike', 'kms.per-object-data-keys']);
      expect(claimed).toHaveLength(130);
      expect(claimed.some((id) => id.startsWith('0c'))).toBe(false);
    } finally {
      s3.restore();
    }
  });

  it('reports a truncated object after processing the records before the cut', async () => {
    const s3 = mockClient(S3Client);
    const bytes = await readFile(SPIKE);
    s3.on(GetObjectCommand).callsFake(() => ({ Body: chunked(bytes.subarray(0, Math.floor(bytes.length * 0.7))) }));
    const result = await processLogObject(new S3Client({ region: 'us-east-1' }), { bucket: 'b', key: 'AWSLogs/1/CloudTrail/r/x.json.gz' }, await pipeline());
    expect(result.records).toBeGreaterThan(10);
    expect(result.errors.join(' ')).toMatch(/gzip|truncated/);
    s3.restore();
  });

  it('skips digest files without reading them, and reads plain JSON objects too', async () => {
    const s3 = mockClient(S3Client);
    s3.on(GetObjectCommand).callsFake(async () => ({ Body: chunked(await readFile(join(EVENTS, 's3tables/CreateTable.foreign-key.json')), 300) }));
    const client = new S3Client({ region: 'us-east-1' });
    expect((await processLogObject(client, { bucket: 'b', key: 'AWSLogs/1/CloudTrail-Digest/us-east-1/2025/01/10/d.json.gz' }, await pipeline())).skipped).toBe('CloudTrail digest file');
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
    const plain = await processLogObject(client, { bucket: 'b', key: 'exports/event.json' }, await pipeline());
    expect(plain.findings.map((f) => f.ruleId)).toEqual(['s3tables.table-key-unapproved']);
    s3.restore();
  });

  it('reads bucket and URL-encoded key from S3\'s Object Created event', () => {
    expect(objectsOf({ detail: { bucket: { name: 'trail-logs' }, object: { key: 'AWSLogs/1/CloudTrail/us-east-1/a+b%3Dc.json.gz' } } })).toEqual([{ bucket: 'trail-logs', key: 'AWSLogs/1/CloudTrail/us-east-1/a b=c.json.gz' }]);
    expect(objectsOf({ detail: {} })).toEqual([]);
  });
});
