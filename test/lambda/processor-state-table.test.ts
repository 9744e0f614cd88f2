import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Ledger, type BucketEntry } from '../../src/correlate/ledger.js';
import { DynamoDbStateStore } from '../../src/state/dynamodb.js';
import { closeSignedPostAgents } from '../../src/util/signed-post.js';
import { EVENTS } from '../helpers.js';
import { startLocalDynamo, type LocalDynamo } from '../state/dynalite-server.js';

const load = async (name: string) => JSON.parse(await readFile(join(EVENTS, name), 'utf8'));

let dynamo: LocalDynamo;
let handler: (event: never) => Promise<{ findings: { ruleId: string }[] }>;
const saved = { ...process.env };

/** The processor as deployed: the state and markers tables (on loopback), reached through signed JSON calls. */
beforeAll(async () => {
  dynamo = await startLocalDynamo();
  await dynamo.createTable('processor-state');
  await dynamo.createTable('processor-markers');
  Object.assign(process.env, { STATE_TABLE_NAME: 'processor-state', MARKERS_TABLE_NAME: 'processor-markers', AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
  delete process.env['ALERT_TOPIC_ARN'];
  // the handler logs a line per invocation
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  vi.resetModules();
  ({ handler } = (await import('../../handlers/processor.js')) as unknown as { handler: typeof handler });
});
afterAll(async () => {
  vi.restoreAllMocks();
  process.env = saved;
  closeSignedPostAgents();
  await dynamo.close();
});

/** The DynamoDB operations one invocation made. */
async function invoke(event: unknown): Promise<{ findings: string[]; operations: string[] }> {
  const before = dynamo.operations.length;
  const result = await handler(event as never);
  return { findings: result.findings.map((f) => f.ruleId), operations: dynamo.operations.slice(before) };
}

describe('processor against the state table', () => {
  it('scans the posture for a management event only when another environment changed it since its last look', async () => {
    const first = await invoke(await load('s3tables/CreateTableBucket.foreign-key.json'));
    expect(first.findings).toEqual(['s3tables.bucket-key-unapproved']);
    expect(first.operations.filter((o) => o === 'Scan')).toHaveLength(1);
    // its own change moved the revision by one: the copy it kept is current
    const second = await invoke(await load('s3tables/PutTableBucketEncryption.foreign-key.json'));
    expect(second.operations.filter((o) => o === 'Scan')).toEqual([]);
    expect(second.operations).toContain('GetItem');

    // another environment (or the inventory) changes the posture
    const other = new DynamoDbStateStore({ tableName: 'processor-state', markersTableName: 'processor-markers', client: dynamo.client });
    const ledger = new Ledger();
    ledger.update<BucketEntry>({ kind: 'bucket', arn: 'arn:aws:s3:::elsewhere' }, { encryption: { sseAlgorithm: 'AES256' } }, { time: Date.now(), eventId: 'other' });
    await other.saveEntries(ledger.takeDirty());
    const third = await invoke(await load('kms/DisableKey.json'));
    expect(third.operations.filter((o) => o === 'Scan')).toHaveLength(1);
  });

  it('serves a data event from its copy of the posture without asking for the revision', async () => {
    const write = await invoke(await load('s3/PutObject.sse-kms.json'));
    expect(write.operations.filter((o) => o === 'Scan')).toEqual([]);
    expect(write.operations.filter((o) => o === 'GetItem')).toEqual([]);
  });
});
