import { performance } from 'node:perf_hooks';
import { Ledger, type BucketEntry } from '../src/correlate/ledger.js';
import { DynamoDbStateStore } from '../src/state/dynamodb.js';
import { generateRecord } from './corpus.js';
import { withDeployedTables } from './deployed-tables.js';

/** Configuration changes of the generated corpus (CreateTable, PutBucketEncryption, DisableKey, EnableKey). */
function managementEvent(n: number): unknown {
  let i = n;
  while ((generateRecord(i) as { eventName: string }).eventName === 'Decrypt' || ['GenerateDataKey', 'PutObject'].includes((generateRecord(i) as { eventName: string }).eventName)) i++;
  const detail = generateRecord(i);
  return { version: '0', id: `env-${n}`, 'detail-type': 'AWS API Call via CloudTrail', source: 'aws', account: '111122223333', time: detail['eventTime'], region: 'us-east-1', resources: [], detail: { ...detail, eventID: `warm-bench-${n}` } };
}

/**
 * The processor, warm, over `events` management events against its state table on a loopback dynalite holding
 * `postureItems` posture entries, while another writer changes the posture every `otherWriterEvery` events: how often
 * it scans the posture, what it reads, and the time per event. Then the posture grows to `busy.postureItems` and the
 * other writer changes it every `busy.otherWriterEvery` events: what catching up on another environment's changes costs
 * (the mean; the median is an event with nothing to catch up on).
 */
export async function processorWarm(
  events: number,
  postureItems = 1000,
  otherWriterEvery = 25,
  busy = { events: 150, postureItems: 10_000, otherWriterEvery: 5 },
): Promise<Record<string, unknown>> {
  return withDeployedTables('warm-bench', async (dynamo) => {
    // another execution environment (or the inventory): seeds the posture, then changes it now and then
    const other = new DynamoDbStateStore({ tableName: 'warm-bench', markersTableName: 'warm-bench-markers', client: dynamo.client });
    const bucket = (i: number): Ledger => {
      const ledger = new Ledger();
      ledger.update<BucketEntry>({ kind: 'bucket', arn: `arn:aws:s3:::seeded-${i}` }, { encryption: { sseAlgorithm: 'aws:kms' } }, { time: 1, eventId: `seed-${i}` });
      return ledger;
    };
    const seed = async (from: number, to: number) => {
      for (let i = from; i < to; i += 50) {
        await Promise.all(Array.from({ length: Math.min(50, to - i) }, (_, j) => other.saveEntries(bucket(i + j).takeDirty())));
      }
    };
    await seed(0, postureItems);
    const { handler } = await import('../handlers/processor.js');
    const log = console.log;
    console.log = () => undefined;
    /** Events `from`…`from + count` through the handler, another writer's change every `every`: the time of each. */
    const run = async (from: number, count: number, every = otherWriterEvery): Promise<number[]> => {
      const times: number[] = [];
      for (let n = from; n < from + count; n++) {
        if (n > 0 && n % every === 0) await other.saveEntries(bucket(busy.postureItems + n).takeDirty());
        const before = performance.now();
        await handler(managementEvent(n) as never);
        times.push(performance.now() - before);
      }
      return times;
    };
    const median = (times: number[]) => Number([...times].sort((x, y) => x - y)[Math.floor(times.length / 2)]!.toFixed(1));
    // the events that follow another writer's change pay for catching up (a scan before the revision records)
    const mean = (times: number[]) => Number((times.reduce((sum, time) => sum + time, 0) / times.length).toFixed(1));
    const start = dynamo.operations.length;
    let times: number[];
    let slowTimes: number[];
    let during: string[];
    let busyTimes: number[];
    let busyScans: number;
    try {
      times = await run(0, events);
      // then with every request held 5 ms, as DynamoDB answers a function: what requests made one after another cost
      dynamo.latencyMs = 5;
      slowTimes = await run(events, Math.min(events, 100));
      dynamo.latencyMs = 0;
      during = dynamo.operations.slice(start);
      await seed(postureItems, busy.postureItems);
      const busyStart = dynamo.operations.length;
      busyTimes = await run(2 * events, busy.events, busy.otherWriterEvery);
      busyScans = dynamo.operations.slice(busyStart).filter((o) => o === 'Scan').length / busy.events;
    } finally {
      dynamo.latencyMs = 0;
      console.log = log;
    }
    const count = (operation: string) => during.filter((o) => o === operation).length / (events + slowTimes.length);
    return {
      events,
      postureItems,
      otherWriterEvery,
      medianEventMs: median(times),
      meanEventMs: mean(times),
      medianEventMsAt5msLatency: median(slowTimes),
      meanEventMsAt5msLatency: mean(slowTimes),
      // the other writer's own requests are in these counts too: a Get and a Put per entry, an Update of the revision
      scansPerEvent: Number(count('Scan').toFixed(3)),
      getItemsPerEvent: Number(count('GetItem').toFixed(2)),
      busyPosture: { ...busy, medianEventMs: median(busyTimes), meanEventMs: mean(busyTimes), scanRequestsPerEvent: Number(busyScans.toFixed(3)) },
    };
  });
}
