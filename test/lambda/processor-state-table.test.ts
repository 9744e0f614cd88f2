import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ledger, type BucketEntry } from '../../src/correlate/ledger.js';
import { DynamoDbStateStore } from '../../src/state/dynamodb.js';
import { EVENTS } from '../helpers.js';
import { deployedAgainstTables } from './deployed-tables.js';

const load = async (name: string) => JSON.parse(await readFile(join(EVENTS, name), 'utf8'));

type ProcessorHandler = (event: never) => Promise<{ findings: { ruleId: string }[] }>;
/** The processor as deployed, against its tables. */
const deployed = deployedAgainstTables('processor', async () => (await import('../../handlers/processor.js')) as unknown as { handler: ProcessorHandler });

/** The DynamoDB operations one invocation made. */
async function invoke(event: unknown): Promise<{ findings: string[]; operations: string[] }> {
  const operations = deployed.dynamo().operations;
  const before = operations.length;
  const result = await deployed.handler()(event as never);
  return { findings: result.findings.map((f) => f.ruleId), operations: operations.slice(before) };
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
    const other = new DynamoDbStateStore({ tableName: 'processor-state', markersTableName: 'processor-markers', client: deployed.dynamo().client });
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
