import { performance } from 'node:perf_hooks';
import { policyFromInput } from '../src/policy/load.js';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { normalizeValue } from '../src/events/normalize.js';
import { Pipeline } from '../src/pipeline.js';
import { DynamoDbStateStore } from '../src/state/dynamodb.js';
import { generateRecord } from './corpus.js';

const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand']);

/**
 * Replays `count` generated events through the pipeline with the DynamoDB store on a loopback dynalite, saving after
 * every event as one Lambda invocation would, and counts the write requests per event.
 */
export async function dynamoWriteAmplification(count: number): Promise<{ events: number; writes: number; writesPerEvent: number; reads: number; readsPerEvent: number; eventsPerSecond: number }> {
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const client = new DynamoDBClient({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, region: 'us-east-1', credentials: { accessKeyId: 'b', secretAccessKey: 'b' } });
  let writes = 0;
  let reads = 0;
  client.middlewareStack.add((next, context) => async (args) => {
    if (WRITES.has(context.commandName as string)) writes++;
    else if (context.commandName !== 'CreateTableCommand' && context.commandName !== 'ScanCommand') reads++;
    return next(args);
  }, { step: 'initialize', name: 'countRequests' });
  await client.send(new CreateTableCommand({ TableName: 'bench', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }));
  const pipeline = await Pipeline.create({ policy: policyFromInput(), store: new DynamoDbStateStore({ tableName: 'bench', client }) });
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    for (const item of normalizeValue(generateRecord(i), { source: 'bench' })) {
      if (item.kind === 'event') await pipeline.process(item.event);
    }
    await pipeline.save();
  }
  const ms = performance.now() - start;
  client.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return { events: count, writes, writesPerEvent: Number((writes / count).toFixed(2)), reads, readsPerEvent: Number((reads / count).toFixed(2)), eventsPerSecond: Math.round(count / (ms / 1000)) };
}
