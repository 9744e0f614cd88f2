import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
// dynalite ships no types; it is a DynamoDB-protocol server backed by memory-level
import dynalite from 'dynalite';

export interface LocalDynamo {
  client: DynamoDBClient;
  endpoint: string;
  createTable(name: string): Promise<void>;
  /** A state table and a markers table of their own (named apart from every other test's), as a store is given them. */
  createStateTables(): Promise<{ tableName: string; markersTableName: string }>;
  /**
   * What a deployed function's environment names for these tables on this server: the tables, the endpoint, and
   * credentials and a Region (the signed JSON calls environment credentials select).
   */
  deployedEnvironment(stateTable: string, markersTable: string): Record<string, string>;
  /** Every operation the server was asked for (from `X-Amz-Target`), in order: for counting Scans and reads. */
  operations: string[];
  /** For each of `operations`, how many requests the server held when it arrived (itself included). */
  inFlightAtArrival: number[];
  /** For each of `operations`, the tables the request names (`TableName`, or the tables of a batch's `RequestItems`). */
  tables: string[][];
  /** Answers the next `count` requests for `operation` with the error `code` (HTTP 400, not retried by the clients). */
  failNext(operation: string, count: number, code?: string): void;
  /** The most requests the server held at once. */
  mostInFlight(): number;
  /** How long each request is held before it is served (see startLocalDynamo); may change between requests. */
  latencyMs: number;
  close(): Promise<void>;
}

/**
 * A real DynamoDB-protocol server on loopback, for the store's tests. `latencyMs` holds each request that long before
 * serving it: DynamoDB answers a Lambda function in a few milliseconds, loopback in a fraction of one, and whether a
 * batch waits for its requests one after another only shows with the real delay.
 */
export async function startLocalDynamo(options: { latencyMs?: number } = {}): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const operations: string[] = [];
  const inFlightAtArrival: number[] = [];
  const tables: string[][] = [];
  const failures = new Map<string, { count: number; code: string }>();
  let inFlight = 0;
  let mostInFlight = 0;
  type Listener = (request: IncomingMessage, response: ServerResponse) => void;
  const serve = server.listeners('request') as Listener[];
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const operation = String(request.headers['x-amz-target'] ?? '').split('.')[1];
    mostInFlight = Math.max(mostInFlight, ++inFlight);
    const named: string[] = [];
    if (operation) {
      operations.push(operation);
      inFlightAtArrival.push(inFlight);
      tables.push(named);
    }
    response.once('close', () => inFlight--);
    const failure = operation ? failures.get(operation) : undefined;
    if (failure && failure.count > 0) {
      failure.count--;
      request.resume();
      response.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${failure.code}`, message: `injected ${failure.code}` }));
      return;
    }
    // the body is read here (to name its tables), then handed to dynalite in a stand-in for the request
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      named.push(...tablesOf(body));
      const handle = () => {
        const standIn = Object.assign(new PassThrough(), { headers: request.headers, method: request.method, url: request.url });
        for (const listener of serve) listener.call(server, standIn as unknown as IncomingMessage, response);
        standIn.end(body);
      };
      if (local.latencyMs > 0) setTimeout(handle, local.latencyMs);
      else handle();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  const local: LocalDynamo = {
    latencyMs: options.latencyMs ?? 0,
    client,
    endpoint,
    operations,
    inFlightAtArrival,
    tables,
    mostInFlight: () => mostInFlight,
    failNext: (operation, count, code = 'AccessDeniedException') => void failures.set(operation, { count, code }),
    async createTable(name: string) {
      await client.send(new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }));
      // dynalite answers CreateTable at once but may report the table CREATING for a moment on a loaded machine
      for (let attempt = 0; attempt < 200; attempt++) {
        const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
        if (Table?.TableStatus === 'ACTIVE') return;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error(`table ${name} did not become ACTIVE`);
    },
    async createStateTables() {
      const suffix = Math.random().toString(36).slice(2, 8);
      const tables = { tableName: `state-${suffix}`, markersTableName: `markers-${suffix}` };
      await local.createTable(tables.tableName);
      await local.createTable(tables.markersTableName);
      return tables;
    },
    deployedEnvironment(stateTable, markersTable) {
      return { STATE_TABLE_NAME: stateTable, MARKERS_TABLE_NAME: markersTable, AWS_ENDPOINT_URL_DYNAMODB: local.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' };
    },
    async close() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return local;
}

/** The tables a DynamoDB request names. */
function tablesOf(body: Buffer): string[] {
  try {
    const input = JSON.parse(body.toString('utf8')) as { TableName?: string; RequestItems?: Record<string, unknown> };
    return input.TableName ? [input.TableName] : Object.keys(input.RequestItems ?? {});
  } catch {
    return [];
  }
}
