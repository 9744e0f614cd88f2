import dynalite from 'dynalite';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Ledger, type BucketEntry } from '../src/correlate/ledger.js';
import { DynamoDbStateStore } from '../src/state/dynamodb.js';
import { generateRecord } from './corpus.js';

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
 * it scans the posture, what it reads, and the time per event.
 */
export async function processorWarm(events: number, postureItems = 1000, otherWriterEvery = 25): Promise<Record<string, number>> {
  const operations: string[] = [];
  const server = dynalite({ createTableMs: 0 });
  server.on('request', (req: { headers: Record<string, string> }) => operations.push(String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? ''));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const saved = { ...process.env };
  Object.assign(process.env, { STATE_TABLE_NAME: 'warm-bench', MARKERS_TABLE_NAME: 'warm-bench-markers', AWS_ENDPOINT_URL_DYNAMODB: endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench' });
  delete process.env['ALERT_TOPIC_ARN'];
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'b', secretAccessKey: 'b' } });
  try {
    for (const TableName of ['warm-bench', 'warm-bench-markers']) {
      await client.send(new CreateTableCommand({ TableName, AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }));
    }
    // another execution environment (or the inventory): seeds the posture, then changes it now and then
    const other = new DynamoDbStateStore({ tableName: 'warm-bench', markersTableName: 'warm-bench-markers', client });
    const bucket = (i: number): Ledger => {
      const ledger = new Ledger();
      ledger.update<BucketEntry>({ kind: 'bucket', arn: `arn:aws:s3:::seeded-${i}` }, { encryption: { sseAlgorithm: 'aws:kms' } }, { time: 1, eventId: `seed-${i}` });
      return ledger;
    };
    for (let i = 0; i < postureItems; i += 50) {
      await Promise.all(Array.from({ length: Math.min(50, postureItems - i) }, (_, j) => other.saveEntries(bucket(i + j).takeDirty())));
    }
    const { handler } = await import('../handlers/processor.js');
    const log = console.log;
    console.log = () => undefined;
    const times: number[] = [];
    const start = operations.length;
    try {
      for (let n = 0; n < events; n++) {
        if (n > 0 && n % otherWriterEvery === 0) await other.saveEntries(bucket(postureItems + n).takeDirty());
        const before = performance.now();
        await handler(managementEvent(n) as never);
        times.push(performance.now() - before);
      }
    } finally {
      console.log = log;
    }
    const during = operations.slice(start);
    const count = (operation: string) => during.filter((o) => o === operation).length;
    const sorted = [...times].sort((x, y) => x - y);
    return {
      events,
      postureItems,
      otherWriterEvery,
      medianEventMs: Number(sorted[Math.floor(sorted.length / 2)]!.toFixed(1)),
      // the other writer's own requests are in these counts too: a Get and a Put per entry, an Update of the revision
      scansPerEvent: Number((count('Scan') / events).toFixed(3)),
      getItemsPerEvent: Number((count('GetItem') / events).toFixed(2)),
    };
  } finally {
    client.destroy();
    for (const key of ['STATE_TABLE_NAME', 'MARKERS_TABLE_NAME', 'AWS_ENDPOINT_URL_DYNAMODB', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'ALERT_TOPIC_ARN']) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
