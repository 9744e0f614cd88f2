import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isConditionalCheckFailed, type DocumentCalls } from '../../src/state/dynamodb-documents.js';
import { dynamodbEndpoint, jsonDocuments, USER_AGENT } from '../../src/state/dynamodb-json.js';
import { sdkDocuments } from '../../src/state/dynamodb-sdk.js';
import { closeSignedPostAgents } from '../../src/util/signed-post.js';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'session-token' };

interface Captured {
  target: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** A DynamoDB endpoint on loopback that records each request and answers what the test queued (else `{}`). */
let server: Server;
let endpoint: string;
const captured: Captured[] = [];
const answers: { status: number; body: unknown; headers?: Record<string, string> }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => {
      captured.push({ target: String(req.headers['x-amz-target']), headers: req.headers, body: JSON.parse(text) });
      const answer = answers.shift() ?? { status: 200, body: {} };
      res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.0', ...answer.headers });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => {
  captured.length = 0;
  answers.length = 0;
});
afterAll(async () => {
  closeSignedPostAgents();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const sdk = (): DocumentCalls => sdkDocuments(new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: CREDENTIALS, maxAttempts: 1 }));
const json = (options: { sleep?: (ms: number) => Promise<void>; maxAttempts?: number } = {}): DocumentCalls =>
  jsonDocuments({ region: 'us-east-1', endpoint, credentials: CREDENTIALS, ...options });

/** Each call the store makes, with the values it writes (strings, numbers, nested keys, an undefined to drop). */
const CALLS: [keyof DocumentCalls, object, unknown][] = [
  ['scan', { TableName: 'state', FilterExpression: 'NOT begins_with(pk, :usage)', ExpressionAttributeValues: { ':usage': 'u|' }, ExclusiveStartKey: { pk: 'b|x' } },
    { Items: [{ pk: { S: 'b|x' }, kind: { S: 'bucket' }, entry: { S: '{"kind":"bucket"}' }, rev: { N: '3' } }], LastEvaluatedKey: { pk: { S: 'b|x' } }, Count: 1, ScannedCount: 4 }],
  ['batchGet', { RequestItems: { markers: { Keys: [{ pk: 'u|a' }, { pk: 'u|b' }] } } },
    { Responses: { markers: [{ pk: { S: 'u|a' }, count: { N: '12' }, lastSeen: { N: '1736503200000' } }] }, UnprocessedKeys: { markers: { Keys: [{ pk: { S: 'u|b' } }] } } }],
  ['get', { TableName: 'state', Key: { pk: 'k|key' }, ConsistentRead: true }, { Item: { pk: { S: 'k|key' }, rev: { N: '1' }, entry: { S: '{}' } } }],
  ['put', { TableName: 'markers', Item: { pk: 'dedup|e1', kind: 'dedup', expiresAt: 1736600000, dropped: undefined }, ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now', ExpressionAttributeValues: { ':now': 1736500000 } }, {}],
  ['update', {
    TableName: 'markers', Key: { pk: 'counter|w' }, UpdateExpression: 'SET #kind = :kind, expiresAt = :expiresAt ADD #value :one', ConditionExpression: 'attribute_not_exists(pk) OR expiresAt >= :now',
    ExpressionAttributeNames: { '#kind': 'kind', '#value': 'value' }, ExpressionAttributeValues: { ':kind': 'counter', ':expiresAt': 1736600000, ':one': 1, ':now': 1736500000 }, ReturnValues: 'UPDATED_NEW',
  }, { Attributes: { value: { N: '3' } } }],
  ['delete', { TableName: 'markers', Key: { pk: 'dedup|e1' } }, {}],
  ['batchWrite', { RequestItems: { state: [{ DeleteRequest: { Key: { pk: 'tb|a' } } }, { PutRequest: { Item: { pk: 'tb|b', rev: 2, history: [{ time: 1, eventId: 'x' }] } } }] } },
    { UnprocessedItems: { state: [{ DeleteRequest: { Key: { pk: { S: 'tb|a' } } } }, { PutRequest: { Item: { pk: { S: 'tb|b' }, rev: { N: '2' } } } }] } }],
];

/** The members a caller reads, without the SDK's `$metadata`. */
function readable(output: unknown): Record<string, unknown> {
  const { $metadata: _metadata, ...rest } = (output ?? {}) as Record<string, unknown>;
  return rest;
}

describe('DynamoDB as signed JSON calls (the Lambda transport)', () => {
  it.each(CALLS)('%s: sends what the SDK document client sends, and reads its answer as the document client does', async (call, input, answer) => {
    answers.push({ status: 200, body: answer }, { status: 200, body: answer });
    const fromSdk = await (sdk()[call] as (input: object) => Promise<unknown>)(structuredClone(input));
    const fromJson = await (json()[call] as (input: object) => Promise<unknown>)(structuredClone(input));
    const [viaSdk, viaJson] = captured;
    expect(viaJson!.target).toBe(viaSdk!.target);
    expect(viaJson!.target).toMatch(/^DynamoDB_20120810\.[A-Za-z]+$/);
    expect(viaJson!.headers['content-type']).toBe(viaSdk!.headers['content-type']);
    expect(viaJson!.body).toEqual(viaSdk!.body);
    expect(readable(fromJson)).toEqual(readable(fromSdk));
  });

  it('signs for DynamoDB in the Region, with the session token, and names itself', async () => {
    await json().get({ TableName: 'state', Key: { pk: 'x' } });
    const { headers } = captured[0]!;
    expect(headers['authorization']).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/dynamodb\/aws4_request, SignedHeaders=[^,]*x-amz-target[^,]*, Signature=[0-9a-f]{64}$/);
    expect(headers['x-amz-security-token']).toBe('session-token');
    expect(headers['user-agent']).toBe(USER_AGENT);
  });

  it('names a failed condition as the SDK does, and does not retry it', async () => {
    const failed = { status: 400, body: { __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException', message: 'The conditional request failed' } };
    answers.push(failed, failed);
    const input = { TableName: 'markers', Item: { pk: 'dedup|e1' }, ConditionExpression: 'attribute_not_exists(pk)' };
    const fromSdk = await sdk().put(input).catch((error: unknown) => error);
    const fromJson = await json({ sleep: async () => undefined }).put(input).catch((error: unknown) => error);
    expect(isConditionalCheckFailed(fromSdk)).toBe(true);
    expect(isConditionalCheckFailed(fromJson)).toBe(true);
    expect((fromJson as Error).message).toBe('The conditional request failed');
    expect(captured).toHaveLength(2);
  });

  it('reads the error code from the x-amzn-errortype header when the body does not name it', async () => {
    answers.push({ status: 400, body: { message: 'The conditional request failed' }, headers: { 'x-amzn-errortype': 'ConditionalCheckFailedException:http://internal.amazon.com/coral/com.amazonaws.dynamodb.v20120810/' } });
    const failure = await json({ sleep: async () => undefined }).put({ TableName: 'markers', Item: { pk: 'x' } }).catch((error: unknown) => error);
    expect(isConditionalCheckFailed(failure)).toBe(true);
  });

  it('retries throttling and server errors with growing waits, then gives the last error', async () => {
    const throttled = { status: 400, body: { __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException', message: 'slow down' } };
    answers.push(throttled, { status: 500, body: { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError' } }, { status: 200, body: { Item: { pk: { S: 'x' } } } });
    const waits: number[] = [];
    const calls = json({ sleep: async (ms) => void waits.push(ms) });
    expect(await calls.get({ TableName: 'state', Key: { pk: 'x' } })).toEqual({ Item: { pk: 'x' } });
    expect(captured).toHaveLength(3);
    expect(waits).toHaveLength(2);
    answers.push(throttled, throttled);
    await expect(json({ sleep: async () => undefined, maxAttempts: 2 }).get({ TableName: 'state', Key: { pk: 'x' } })).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException', statusCode: 400 });
  });

  it('does not retry a request DynamoDB rejects as invalid', async () => {
    answers.push({ status: 400, body: { __type: 'com.amazon.coral.validate#ValidationException', message: 'One or more parameter values were invalid' } });
    await expect(json({ sleep: async () => undefined }).get({ TableName: 'state', Key: { pk: '' } })).rejects.toMatchObject({ name: 'ValidationException' });
    expect(captured).toHaveLength(1);
  });
});

describe('a DynamoDB endpoint that stops answering', () => {
  it('gives up on a request after the timeout and tries again, then reports the timeout', async () => {
    const silent = createServer(() => undefined); // reads the request, never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    const waits: number[] = [];
    try {
      const calls = jsonDocuments({
        region: 'us-east-1', endpoint: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, credentials: CREDENTIALS,
        requestTimeoutMs: 100, maxAttempts: 2, sleep: async (ms) => void waits.push(ms),
      });
      const started = Date.now();
      await expect(calls.get({ TableName: 'state', Key: { pk: 'x' } })).rejects.toMatchObject({ code: 'ETIMEDOUT' });
      expect(waits).toHaveLength(1);
      expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    } finally {
      closeSignedPostAgents();
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

describe('dynamodbEndpoint', () => {
  it('uses an endpoint override, the Regional endpoint of the partition, and leaves FIPS and dual-stack to the SDK', () => {
    expect(dynamodbEndpoint('us-east-1', { AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000', AWS_ENDPOINT_URL: 'http://other' })).toBe('http://127.0.0.1:8000');
    expect(dynamodbEndpoint('eu-west-1', {})).toBe('https://dynamodb.eu-west-1.amazonaws.com');
    expect(dynamodbEndpoint('cn-north-1', {})).toBe('https://dynamodb.cn-north-1.amazonaws.com.cn');
    expect(dynamodbEndpoint('us-gov-west-1', {})).toBe('https://dynamodb.us-gov-west-1.amazonaws.com');
    expect(dynamodbEndpoint('us-east-1', { AWS_USE_FIPS_ENDPOINT: 'true' })).toBeUndefined();
    expect(dynamodbEndpoint('us-east-1', { AWS_USE_DUALSTACK_ENDPOINT: 'true' })).toBeUndefined();
    expect(dynamodbEndpoint(undefined, {})).toBeUndefined();
  });
});
