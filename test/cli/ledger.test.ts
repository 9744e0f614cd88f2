import { mkdtemp } from 'node:fs/promises';
import { policyFromInput } from '../../src/policy/load.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/correlate/ledger.js';
import { Pipeline } from '../../src/pipeline.js';
import { DynamoDbStateStore } from '../../src/state/dynamodb.js';
import { collect, EVENTS, runCli } from '../helpers.js';
import { startLocalDynamo, type LocalDynamo } from '../state/dynalite-server.js';

const run = runCli;

const KEY_C = 'arn:aws:kms:us-east-1:111122223333:key/c0ffee00-1111-4222-8333-444455556666';
let state: string;
let dynamo: LocalDynamo;
beforeAll(async () => {
  state = join(await mkdtemp(join(tmpdir(), 'sse-sentinel-ledger-')), 'state.json');
  expect((await run(['replay', '--state', state, join(EVENTS, 'scenarios/key-blast-radius')])).code).toBe(0);
  dynamo = await startLocalDynamo();
});
afterAll(async () => {
  await dynamo.close();
});

describe('sse-sentinel ledger', () => {
  it('says what a key protects, given its bare id', async () => {
    const { code, stdout } = await run(['ledger', '--state', state, '--key', 'c0ffee00-1111-4222-8333-444455556666', '--format', 'json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ keyArn: KEY_C, state: 'Disabled' });
    expect(report.protects.tableBuckets).toHaveLength(2);
    expect(report.protects.tables).toHaveLength(5);
    expect(report.protects.buckets).toEqual(['arn:aws:s3:::fraud-evidence', 'arn:aws:s3:::model-artifacts', 'arn:aws:s3:::risk-reports']);
  });

  it('says what protects a resource, including an inherited table key', async () => {
    const ledger = new Ledger();
    for (const item of await collect([join(EVENTS, 'scenarios/key-blast-radius')])) if (item.kind === 'event') ledger.apply(item.event);
    const table = ledger.tableArnByName('arn:aws:s3tables:us-east-1:111122223333:bucket/risk-lake', 'core', 'limits')!;
    const { code, stdout } = await run(['ledger', '--state', state, '--resource', table]);
    expect(code).toBe(0);
    expect(stdout).toContain('inherited: true');
    expect(stdout).toContain(`keyArn: ${KEY_C}`);
  });

  it('exits 3 for what the ledger does not know, and 2 on usage errors', async () => {
    expect((await run(['ledger', '--state', state, '--resource', 'arn:aws:s3:::nobody'])).code).toBe(3);
    expect((await run(['ledger', '--state', state])).code).toBe(2);
    expect((await run(['ledger', '--key', 'x'])).code).toBe(2);
  });

  it('reads the DynamoDB state table, resolving an alias', async () => {
    await dynamo.createTable('ledger-cli');
    const store = new DynamoDbStateStore({ tableName: 'ledger-cli', client: dynamo.client });
    const pipeline = await Pipeline.create({ policy: policyFromInput(), store });
    for (const item of await collect([join(EVENTS, 'scenarios/key-blast-radius')])) if (item.kind === 'event') await pipeline.process(item.event);
    const alias = { eventVersion: '1.11', eventTime: '2025-01-10T13:00:00Z', eventSource: 'kms.amazonaws.com', eventName: 'CreateAlias', awsRegion: 'us-east-1', recipientAccountId: '111122223333', eventID: 'alias-1', userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/a', accountId: '111122223333' }, requestParameters: { aliasName: 'alias/risk', targetKeyId: 'c0ffee00-1111-4222-8333-444455556666' } };
    const [item] = (await import('../../src/events/normalize.js')).normalizeValue(alias, { source: 'test' });
    if (item?.kind === 'event') await pipeline.process(item.event);
    await pipeline.save();
    process.env['AWS_ACCESS_KEY_ID'] ??= 'test';
    process.env['AWS_SECRET_ACCESS_KEY'] ??= 'test';
    const { code, stdout } = await run(['ledger', '--table', 'ledger-cli', '--region', 'us-east-1', '--endpoint', dynamo.endpoint, '--key', 'alias/risk', '--format', 'json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ keyArn: KEY_C, aliases: ['arn:aws:kms:us-east-1:111122223333:alias/risk'] });
  });
});
