import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/alerts/finding.js';
import { normalizeValue } from '../../src/events/normalize.js';
import type { CloudTrailEvent } from '../../src/events/types.js';
import { Pipeline } from '../../src/pipeline.js';
import { PostureCache } from '../../src/lambda/posture-cache.js';
import { policyFromInput } from '../../src/policy/load.js';
import { DynamoDbStateStore } from '../../src/state/dynamodb.js';
import { MemoryStateStore } from '../../src/state/memory.js';
import type { StateStore } from '../../src/state/store.js';
import { envelope, record } from '../helpers.js';
import { localDynamoPerFile } from './dynalite-server.js';

const local = localDynamoPerFile();

const KEY = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const policy = policyFromInput({ kms: { usage: { spikeMinimum: 5, spikeFactor: 2, baselineHours: 2, perObjectThreshold: 3 } } });

/** n-th decrypt: `perHour` lists how many fall in each hour from 10:00; object-level contexts (Bucket Keys off). */
function decrypts(perHour: number[], principal = 'alice', firstId = 0): CloudTrailEvent[] {
  const events: CloudTrailEvent[] = [];
  perHour.forEach((count, hour) => {
    for (let i = 0; i < count; i++) {
      const n = events.length;
      const raw = envelope(record({
        eventSource: 'kms.amazonaws.com', eventName: 'Decrypt', readOnly: true,
        eventID: `d0000000-0000-4000-8000-${principal.padEnd(6, '0').slice(0, 6)}${String(firstId + n).padStart(6, '0')}`.replace(/[^0-9a-f-]/g, 'a'),
        eventTime: new Date(Date.parse('2025-01-10T10:00:00Z') + hour * 3600_000 + i * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        userIdentity: { type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: `arn:aws:iam::111122223333:user/${principal}`, accountId: '111122223333', userName: principal },
        requestParameters: { keyId: KEY, encryptionContext: { 'aws:s3:arn': `arn:aws:s3:::payroll-exports/part-${n}.parquet` } },
        resources: [{ ARN: KEY, type: 'AWS::KMS::Key', accountId: '111122223333' }],
      }), { source: 'aws.kms' });
      for (const item of normalizeValue(raw, { source: 'usage-by-key' })) if (item.kind === 'event') events.push(item.event);
    }
  });
  return events;
}

/** Each event in an invocation of its own, as the processor runs: a fresh pipeline, process, save. */
async function oneInvocationEach(store: StateStore, events: CloudTrailEvent[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const event of events) {
    const pipeline = await Pipeline.create({ policy, store });
    findings.push(...(await pipeline.process(event)).findings);
    await pipeline.save();
  }
  return findings;
}

const summary = (findings: Finding[]) => findings.map((f) => `${f.ruleId} ${f.eventId}`);

describe('usage counters read by key (DynamoDB)', () => {
  it('judges spikes and per-object rates across invocations exactly as one replay in memory does', async () => {
    const events = [...decrypts([2, 2, 7]), ...decrypts([0, 1, 3], 'bob')].sort((a, b) => a.eventTimeMs - b.eventTimeMs);
    const inMemory = await Pipeline.create({ policy, store: new MemoryStateStore() });
    const expected: Finding[] = [];
    for (const event of events) expected.push(...(await inMemory.process(event)).findings);
    expect(new Set(expected.map((f) => f.ruleId))).toEqual(new Set(['kms.decrypt-spike', 'kms.per-object-data-keys']));
    const store = new DynamoDbStateStore({ ...(await local().createStateTables()), client: local().client });
    expect(summary(await oneInvocationEach(store, events))).toEqual(summary(expected));
  });

  it('judges the same in batches through one ledger kept between them (the usage function) while another writer counts too', async () => {
    const events = [...decrypts([2, 2, 7]), ...decrypts([0, 1, 3], 'bob')].sort((a, b) => a.eventTimeMs - b.eventTimeMs);
    const inMemory = await Pipeline.create({ policy, store: new MemoryStateStore() });
    const expected: Finding[] = [];
    for (const event of events) expected.push(...(await inMemory.process(event)).findings);
    const names = await local().createStateTables();
    const store = new DynamoDbStateStore({ ...names, client: local().client });
    // every third event goes to another environment: the kept ledger must read its counts, not remember its own
    const other = new DynamoDbStateStore({ ...names, client: local().client });
    const cache = new PostureCache();
    const found: Finding[] = [];
    for (let i = 0; i < events.length; i += 3) {
      const [mine, theirs] = [events.slice(i, i + 2), events.slice(i + 2, i + 3)];
      const shared = await cache.lease(store, 'cached');
      const pipeline = await Pipeline.create({ policy, store, ledger: async () => shared.ledger });
      await pipeline.prepare(mine);
      for (const event of mine) found.push(...(await pipeline.process(event)).findings);
      await pipeline.save();
      cache.release(shared, true);
      found.push(...(await oneInvocationEach(other, theirs)));
    }
    expect(summary(found).sort()).toEqual(summary(expected).sort());
  });

  it('a batch prefetches its counters in one go, and loading the posture never scans a counter', async () => {
    const names = await local().createStateTables();
    const store = new DynamoDbStateStore({ ...names, client: local().client });
    // 3 principals × 60 hours of counters (per principal and per object): hundreds of items in the markers table
    const history = ['alice', 'bob', 'carol'].flatMap((p) => decrypts(Array.from({ length: 60 }, () => 1), p));
    const writer = await Pipeline.create({ policy, store });
    await writer.prefetch(history);
    for (const event of history) await writer.process(event);
    await writer.save();

    const calls: { command: string; scanned?: number; keys?: number }[] = [];
    local().client.middlewareStack.add(((next: (args: unknown) => Promise<{ output: { ScannedCount?: number } }>, context: { commandName?: string }) => async (args: { input: { RequestItems?: Record<string, { Keys: unknown[] }> } }) => {
      const result = await next(args);
      calls.push({ command: String(context.commandName), scanned: result.output?.ScannedCount, keys: Object.values(args.input.RequestItems ?? {})[0]?.Keys?.length });
      return result;
    }) as never, { step: 'initialize', name: 'countCalls' });
    try {
      const reader = await Pipeline.create({ policy, store });
      // the posture holds one key-use summary; none of the 360 counters is read by the scan
      expect(calls.filter((c) => c.command === 'ScanCommand').map((c) => c.scanned)).toEqual([1]);
      expect(reader.ledger.lastUsed(KEY).get('arn:aws:s3:::payroll-exports')).toBe(history.at(-1)!.eventTimeMs);
      calls.length = 0;
      const next = decrypts([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2], 'alice', 1000);
      await reader.prefetch(next);
      for (const event of next) await reader.process(event);
      // one BatchGetItem for the batch (window, two baseline windows, per-object counter), none per event
      expect(calls.filter((c) => c.command.startsWith('BatchGet')).map((c) => c.keys), JSON.stringify(calls)).toEqual([4]);
      const window = Math.floor(next[0]!.eventTimeMs / 3600_000) * 3600_000;
      expect(reader.ledger.usage(KEY, 'arn:aws:s3:::payroll-exports', 'arn:aws:iam::111122223333:user/alice', 'Decrypt', window - 3600_000)).toBe(1);
      expect(reader.ledger.usage(KEY, 'arn:aws:s3:::payroll-exports', '*', 'per-object', window)).toBe(2);
    } finally {
      local().client.middlewareStack.remove('countCalls');
    }
  });

  it('reads more than a hundred counters in several BatchGetItem calls', async () => {
    const store = new DynamoDbStateStore({ ...(await local().createStateTables()), client: local().client });
    const history = decrypts(Array.from({ length: 130 }, () => 1));
    const writer = await Pipeline.create({ policy, store });
    for (const event of history) await writer.process(event);
    await writer.save();
    const keys = history.map((event) => `u|${KEY}|arn:aws:s3:::payroll-exports|arn:aws:iam::111122223333:user/alice|Decrypt|${Math.floor(event.eventTimeMs / 3600_000) * 3600_000}`);
    const loaded = await store.loadUsage(keys);
    expect(loaded).toHaveLength(130);
    expect(loaded.every((entry) => entry.count === 1 && entry.kind === 'usage')).toBe(true);
  });
});
