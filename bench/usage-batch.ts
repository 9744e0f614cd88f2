import type { SQSEvent } from 'aws-lambda';
import dynalite from 'dynalite';
import { CreateTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { generateRecord } from './corpus.js';

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);

/** A KMS data-key record of the generated corpus, as EventBridge puts it on the usage queue. */
function message(n: number): { messageId: string; body: string } {
  let i = n;
  // the usage queue only receives successful data-key calls: take the corpus' KMS records
  while ((generateRecord(i) as { eventName: string }).eventName !== 'Decrypt' && (generateRecord(i) as { eventName: string }).eventName !== 'GenerateDataKey') i++;
  const detail = generateRecord(i);
  return { messageId: `m-${n}`, body: JSON.stringify({ version: '0', id: `env-${n}`, 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.kms', account: '111122223333', time: detail['eventTime'], region: 'us-east-1', resources: [], detail: { ...detail, eventID: `usage-bench-${n}` } }) };
}

/**
 * The usage function's handler over `records` SQS messages in batches of `batchSize`, with its DynamoDB state table on
 * a loopback dynalite: time per batch and DynamoDB writes per event, counted at the server.
 */
export async function usageBatchIntake(records: number, batchSize = 100): Promise<Record<string, number>> {
  let writes = 0;
  let reads = 0;
  let scans = 0;
  const server = dynalite({ createTableMs: 0 });
  server.on('request', (req: { headers: Record<string, string> }) => {
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    if (operation === 'Scan') scans++;
    if (WRITES.has(operation)) writes++;
    else if (operation && operation !== 'CreateTable') reads++;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const saved = { ...process.env };
  // the deployed layout: the ledger in one table, dedup markers and counters in another
  Object.assign(process.env, { STATE_TABLE_NAME: 'usage-bench', MARKERS_TABLE_NAME: 'usage-bench-markers', AWS_ENDPOINT_URL_DYNAMODB: endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench' });
  const setup = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'b', secretAccessKey: 'b' } });
  for (const TableName of ['usage-bench', 'usage-bench-markers']) {
    await setup.send(new CreateTableCommand({ TableName, AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }));
  }
  setup.destroy();
  try {
    const { handler } = await import('../handlers/usage.js');
    // the handler logs one line per batch: keep the benchmark's stdout for its JSON
    const log = console.log;
    console.log = () => undefined;
    const batches = Math.ceil(records / batchSize);
    const times: number[] = [];
    let failed = 0;
    const startWrites = writes;
    for (let b = 0; b < batches; b++) {
      const event = { Records: Array.from({ length: Math.min(batchSize, records - b * batchSize) }, (_, i) => message(b * batchSize + i)) } as unknown as SQSEvent;
      const start = performance.now();
      const result = await handler(event);
      times.push(performance.now() - start);
      failed += result.batchItemFailures.length;
    }
    console.log = log;
    const sorted = [...times].sort((x, y) => x - y);
    const readsDuring = reads;
    const scansDuring = scans;
    // what each invocation scans (the posture) against what it reads by key (the usage counters, with the markers)
    const count = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'b', secretAccessKey: 'b' } });
    const items = async (TableName: string) => (await count.send(new ScanCommand({ TableName, Select: 'COUNT' }))).Count ?? 0;
    const [stateItems, markerItems] = [await items('usage-bench'), await items('usage-bench-markers')];
    count.destroy();
    return {
      records,
      batchSize,
      batches,
      failed,
      medianBatchMs: Math.round(sorted[Math.floor(sorted.length / 2)]!),
      p95BatchMs: Math.round(sorted[Math.floor(sorted.length * 0.95)]!),
      dynamoWritesPerEvent: Number(((writes - startWrites) / records).toFixed(3)),
      dynamoReadsPerEvent: Number((readsDuring / records).toFixed(3)),
      // the posture is scanned once a minute per execution environment (PostureCache), counters never
      stateTableScans: scansDuring,
      stateTableItems: stateItems,
      markersTableItemsNeverScanned: markerItems,
    };
  } finally {
    for (const key of ['STATE_TABLE_NAME', 'MARKERS_TABLE_NAME', 'AWS_ENDPOINT_URL_DYNAMODB', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
