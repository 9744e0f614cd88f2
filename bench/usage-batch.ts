import type { SQSEvent } from 'aws-lambda';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { performance } from 'node:perf_hooks';
import { withDeployedTables } from './deployed-tables.js';
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
 * The usage function's handler over `records` SQS messages in batches of `batchSize`, with its DynamoDB tables on a
 * loopback dynalite: time per batch and DynamoDB writes per event, counted at the server. Then `records` more with each
 * request held `latencyMs` first, as DynamoDB's own latency from Lambda: how many events a second one execution
 * environment takes when every round trip costs what it does in AWS.
 */
export async function usageBatchIntake(records: number, batchSize = 100, latencyMs = 5): Promise<Record<string, unknown>> {
  // the deployed layout: the ledger in one table, dedup markers and counters in another
  return withDeployedTables('usage-bench', async (dynamo) => {
    const { handler } = await import('../handlers/usage.js');
    // the handler logs one line per batch: keep the benchmark's stdout for its JSON
    const log = console.log;
    console.log = () => undefined;
    const run = async (first: number) => {
      const times: number[] = [];
      let failed = 0;
      for (let b = 0; b < Math.ceil(records / batchSize); b++) {
        const event = { Records: Array.from({ length: Math.min(batchSize, records - b * batchSize) }, (_, i) => message(first + b * batchSize + i)) } as unknown as SQSEvent;
        const start = performance.now();
        const result = await handler(event);
        times.push(performance.now() - start);
        failed += result.batchItemFailures.length;
      }
      const sorted = [...times].sort((x, y) => x - y);
      return { failed, median: sorted[Math.floor(sorted.length / 2)]!, p95: sorted[Math.floor(sorted.length * 0.95)]!, total: times.reduce((a, b) => a + b, 0) };
    };
    const before = dynamo.operations.length;
    const loopback = await run(0);
    const operations = dynamo.operations.slice(before);
    dynamo.latencyMs = latencyMs;
    const slow = await run(records);
    console.log = log;
    const writes = operations.filter((o) => WRITES.has(o)).length;
    const reads = operations.filter((o) => !WRITES.has(o)).length;
    // what each invocation scans (the posture) against what it reads by key (the usage counters, with the markers)
    dynamo.latencyMs = 0;
    const items = async (TableName: string) => (await dynamo.client.send(new ScanCommand({ TableName, Select: 'COUNT' }))).Count ?? 0;
    const [stateItems, markerItems] = [await items('usage-bench'), await items('usage-bench-markers')];
    return {
      records,
      batchSize,
      batches: Math.ceil(records / batchSize),
      failed: loopback.failed + slow.failed,
      medianBatchMs: Math.round(loopback.median),
      p95BatchMs: Math.round(loopback.p95),
      dynamoWritesPerEvent: Number((writes / records).toFixed(3)),
      dynamoReadsPerEvent: Number((reads / records).toFixed(3)),
      // the posture is scanned once a minute per execution environment (PostureCache), counters never
      stateTableScans: operations.filter((o) => o === 'Scan').length,
      stateTableItems: stateItems,
      markersTableItemsNeverScanned: markerItems,
      withLatency: {
        latencyMs,
        medianBatchMs: Math.round(slow.median),
        p95BatchMs: Math.round(slow.p95),
        eventsPerSecondPerEnvironment: Math.round(records / (slow.total / 1000)),
        mostRequestsInFlight: dynamo.mostInFlight(),
      },
    };
  });
}
