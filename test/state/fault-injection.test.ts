import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { normalizeValue } from '../../src/events/normalize.js';
import { policyFromInput } from '../../src/policy/load.js';
import { Pipeline } from '../../src/pipeline.js';
import { DynamoDbStateStore } from '../../src/state/dynamodb.js';
import { jsonDocuments } from '../../src/state/dynamodb-json.js';
import { closeSignedPostAgents } from '../../src/util/signed-post.js';
import { envelope, record } from '../helpers.js';
import { localDynamoPerFile } from './dynalite-server.js';

const local = localDynamoPerFile();

const KEY = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const decrypt = (n: number) => envelope(record({
  eventSource: 'kms.amazonaws.com', eventName: 'Decrypt', eventID: `f0000000-0000-4000-8000-${String(n).padStart(12, '0')}`, readOnly: true,
  requestParameters: { keyId: KEY, encryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::payroll-exports' } },
  resources: [{ ARN: KEY, type: 'AWS::KMS::Key', accountId: '111122223333' }],
}), { source: 'aws.kms' });

/** A client to the loopback server that answers the next `failures` writes with throttling, as DynamoDB does under load. */
function throttlingClient(failures: { count: number }): DynamoDBClient {
  const client = new DynamoDBClient({ endpoint: local().endpoint, region: 'us-east-1', credentials: { accessKeyId: 't', secretAccessKey: 't' }, maxAttempts: 2, retryStrategy: undefined });
  client.middlewareStack.add((next, context) => async (args) => {
    if (failures.count > 0 && /UpdateItem|PutItem/.test(String(context.commandName)) && !String(JSON.stringify((args.input as { Item?: unknown }).Item ?? '')).includes('dedup')) {
      failures.count--;
      throw Object.assign(new Error('Rate of requests exceeds the allowed throughput'), { name: 'ProvisionedThroughputExceededException', $metadata: { httpStatusCode: 400 }, $retryable: { throttling: true } });
    }
    return next(args);
  }, { step: 'deserialize', name: 'injectThrottling' }); // inside the retry loop, like a real throttled response
  return client;
}

/**
 * The JSON transport meets throttling as DynamoDB sends it: a proxy in front of the loopback server answers the next
 * `failures` writes (other than dedup claims) with HTTP 400 ProvisionedThroughputExceededException.
 */
const proxies: { close(): void }[] = [];
afterAll(() => {
  closeSignedPostAgents();
  for (const proxy of proxies) proxy.close();
});

async function throttlingProxy(failures: { count: number }): Promise<string> {
  const target = new URL(local().endpoint);
  const proxy = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      if (failures.count > 0 && /PutItem|UpdateItem/.test(String(req.headers['x-amz-target'])) && !body.includes('dedup')) {
        failures.count--;
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException', message: 'Rate of requests exceeds the allowed throughput' }));
        return;
      }
      const forward = request({ hostname: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 500, answer.headers);
        answer.pipe(res);
      });
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', () => resolve()));
  proxies.push(proxy);
  return `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
}

/** A store on `tableName` through each transport, its writes throttled while `failures.count` lasts. */
const TRANSPORTS: [string, (tableName: string, failures: { count: number }) => Promise<DynamoDbStateStore>][] = [
  ['SDK client', async (tableName, failures) => new DynamoDbStateStore({ tableName, client: throttlingClient(failures) })],
  ['signed JSON calls', async (tableName, failures) => new DynamoDbStateStore({
    tableName,
    documents: jsonDocuments({ region: 'us-east-1', endpoint: await throttlingProxy(failures), credentials: { accessKeyId: 't', secretAccessKey: 't' }, maxAttempts: 2, sleep: async () => undefined }),
  })],
];

/** What a later invocation reads for the counter of these deliveries (counters are loaded by key: prefetched). */
async function countedIn(tableName: string): Promise<number> {
  const reader = await Pipeline.create({ policy: policyFromInput(), store: new DynamoDbStateStore({ tableName, client: local().client }) });
  await reader.prefetch(normalizeValue(decrypt(0), { source: 'fault' }).flatMap((item) => (item.kind === 'event' ? [item.event] : [])));
  const window = Math.floor(Date.parse('2025-01-10T10:00:00Z') / 3600_000) * 3600_000;
  return reader.ledger.usage(KEY, 'arn:aws:s3:::payroll-exports', 'arn:aws:iam::111122223333:user/alice', 'Decrypt', window);
}

async function deliver(pipeline: Pipeline, n: number): Promise<boolean> {
  let duplicate = false;
  for (const item of normalizeValue(decrypt(n), { source: 'fault' })) if (item.kind === 'event') duplicate = (await pipeline.process(item.event)).duplicate;
  return duplicate;
}

describe.each(TRANSPORTS)('fault injection: DynamoDB throttling (%s)', (transport, open) => {
  it('a save that fails after the transport\'s retries releases the claims, so the retried event is counted exactly once', async () => {
    const tableName = `faults-${transport.replace(/\W/g, '-')}`;
    await local().createTable(tableName);
    const failures = { count: 10 };
    const store = await open(tableName, failures);
    const policy = policyFromInput();
    const first = await Pipeline.create({ policy, store });
    expect(await deliver(first, 1)).toBe(false);
    await expect(first.save()).rejects.toThrow('Rate of requests exceeds the allowed throughput');
    // the invocation failed; Lambda retries the same event once the throttling has passed
    failures.count = 0;
    const retry = await Pipeline.create({ policy, store });
    expect(await deliver(retry, 1)).toBe(false);
    await retry.save();
    // a third delivery of the same event id is a duplicate: nothing is counted twice
    const again = await Pipeline.create({ policy, store });
    expect(await deliver(again, 1)).toBe(true);
    expect(await countedIn(tableName)).toBe(1);
  });

  it('short throttling is absorbed by the transport\'s retries without losing or doubling counts', async () => {
    const tableName = `faults-short-${transport.replace(/\W/g, '-')}`;
    await local().createTable(tableName);
    const failures = { count: 1 };
    const store = await open(tableName, failures);
    const pipeline = await Pipeline.create({ policy: policyFromInput(), store });
    for (let n = 10; n < 15; n++) await deliver(pipeline, n);
    await pipeline.save();
    expect(failures.count).toBe(0);
    expect(await countedIn(tableName)).toBe(5);
  });
});
