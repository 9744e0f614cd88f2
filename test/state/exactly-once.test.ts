import { readFile } from 'node:fs/promises';
import { policyFromInput } from '../../src/policy/load.js';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processItems, readEnvelope } from '../../src/lambda/process-envelope.js';
import { deployedStore } from '../../src/lambda/store.js';
import { Pipeline } from '../../src/pipeline.js';
import { DynamoDbStateStore } from '../../src/state/dynamodb.js';
import { MemoryStateStore } from '../../src/state/memory.js';
import { EVENTS } from '../helpers.js';
import { startLocalDynamo, type LocalDynamo } from './dynalite-server.js';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
  await dynamo.createTable('exactly-once');
});
afterAll(async () => {
  await dynamo.close();
});

describe('exactly-once effects on a shared DynamoDB table', () => {
  it('two processors racing on the same delivery produce one finding', async () => {
    const envelope = JSON.parse(await readFile(join(EVENTS, 's3tables/CreateTable.foreign-key.json'), 'utf8'));
    const processors = await Promise.all([0, 1, 2].map(() =>
      Pipeline.create({ policy: policyFromInput(), store: new DynamoDbStateStore({ tableName: 'exactly-once', client: dynamo.client }) })));
    const results = await Promise.all(processors.map((pipeline) => processItems(readEnvelope(envelope), pipeline)));
    expect(results.flatMap((r) => r.findings).map((f) => f.ruleId)).toEqual(['s3tables.table-key-unapproved']);
    expect(results.reduce((n, r) => n + r.duplicates, 0)).toBe(2);
  });

  it('a later processor sees what an earlier one learnt (previous configuration in the finding)', async () => {
    const [create, remove] = JSON.parse(await readFile(join(EVENTS, 's3tables/DeleteTableBucketEncryption.after-kms.json'), 'utf8'));
    const store = () => new DynamoDbStateStore({ tableName: 'exactly-once', client: dynamo.client });
    await processItems(readEnvelope(create), await Pipeline.create({ policy: policyFromInput(), store: store() }));
    const { findings } = await processItems(readEnvelope(remove), await Pipeline.create({ policy: policyFromInput(), store: store() }));
    expect(findings[0]?.previous).toEqual({ sseAlgorithm: 'aws:kms', kmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' });
  });
});

describe('deployedStore', () => {
  it('uses the state table when STATE_TABLE_NAME is set, memory under invoke local or without it', async () => {
    expect(await deployedStore({ STATE_TABLE_NAME: 't', AWS_REGION: 'us-east-1' })).toBeInstanceOf(DynamoDbStateStore);
    expect(await deployedStore({ STATE_TABLE_NAME: 't', IS_LOCAL: 'true' })).toBeInstanceOf(MemoryStateStore);
    expect(await deployedStore({})).toBeInstanceOf(MemoryStateStore);
  });
});
