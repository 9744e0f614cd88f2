import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { Ledger, type BucketEntry } from '../../src/correlate/ledger.js';
import { DynamoDbStateStore } from '../../src/state/dynamodb.js';
import { EVENTS } from '../helpers.js';
import { deployedAgainstTables } from './deployed-tables.js';

const load = async (name: string) => JSON.parse(await readFile(join(EVENTS, name), 'utf8'));

type ProcessorHandler = (event: never) => Promise<{ findings: { ruleId: string }[] }>;
/** The processor as deployed, against its tables. */
const deployed = deployedAgainstTables('processor', async () => (await import('../../handlers/processor.js')) as unknown as { handler: ProcessorHandler });

/**
 * The DynamoDB operations one invocation made, how many requests were in flight as each arrived, and the posture-read
 * metrics it logged (Embedded Metric Format lines).
 */
async function invoke(event: unknown): Promise<{ findings: string[]; operations: string[]; inFlight: number[]; postureMetrics: { PostureScans: number; PostureCatchUps: number }[]; findingMetrics: Record<string, number>[] }> {
  const { operations, inFlightAtArrival } = deployed.dynamo();
  const before = operations.length;
  const logged = vi.mocked(console.log).mock.calls.length;
  const result = await deployed.handler()(event as never);
  const postureMetrics = vi.mocked(console.log).mock.calls.slice(logged).map(([line]) => JSON.parse(String(line)))
    .filter((line) => line._aws?.CloudWatchMetrics?.[0]?.Metrics.some((metric: { Name: string }) => metric.Name === 'PostureScans'))
    .map(({ PostureScans, PostureCatchUps }) => ({ PostureScans, PostureCatchUps }));
  // the findings by severity, as the dashboard charts them
  const findingMetrics = vi.mocked(console.log).mock.calls.slice(logged).map(([line]) => JSON.parse(String(line)))
    .filter((line) => line.message === 'findings' && line._aws)
    .map((line) => Object.fromEntries(line._aws.CloudWatchMetrics[0].Metrics.map(({ Name }: { Name: string }) => [Name, line[Name]])));
  return { findings: result.findings.map((f) => f.ruleId), operations: operations.slice(before), inFlight: inFlightAtArrival.slice(before), postureMetrics, findingMetrics };
}

/** An event as a retry or another delivery of the sample would not be: an id of its own. */
async function fresh(name: string, id: string): Promise<unknown> {
  const event = await load(name);
  return { ...event, id, detail: { ...event.detail, eventID: id } };
}

describe('processor against the state table', () => {
  it('scans the posture for a management event only at its cold start, and reads what another environment changed since', async () => {
    const first = await invoke(await load('s3tables/CreateTableBucket.foreign-key.json'));
    expect(first.findings).toEqual(['s3tables.bucket-key-unapproved']);
    expect(first.operations.filter((o) => o === 'Scan')).toHaveLength(1);
    expect(first.postureMetrics).toEqual([{ PostureScans: 1, PostureCatchUps: 0 }]);
    expect(first.findingMetrics).toEqual([{ CriticalFindings: 1 }]);
    // its own change moved the revision by one: the copy it kept is current
    const second = await invoke(await load('s3tables/PutTableBucketEncryption.foreign-key.json'));
    expect(second.operations.filter((o) => o === 'Scan')).toEqual([]);
    expect(second.operations).toContain('GetItem');
    expect(second.postureMetrics).toEqual([]);

    // another environment (or the inventory) changes the posture
    const other = new DynamoDbStateStore({ tableName: 'processor-state', markersTableName: 'processor-markers', client: deployed.dynamo().client });
    const ledger = new Ledger();
    ledger.update<BucketEntry>({ kind: 'bucket', arn: 'arn:aws:s3:::elsewhere' }, { encryption: { sseAlgorithm: 'AES256' } }, { time: Date.now(), eventId: 'other' });
    await other.saveEntries(ledger.takeDirty());
    // read by key: the record of the revision it moved, then the entry it names; no scan
    const third = await invoke(await load('kms/DisableKey.json'));
    expect(third.operations.filter((o) => o === 'Scan')).toEqual([]);
    expect(third.operations.filter((o) => o === 'BatchGetItem')).toHaveLength(2);
    expect(third.postureMetrics).toEqual([{ PostureScans: 0, PostureCatchUps: 1 }]);
  });

  it('claims a management event while it reads the posture revision: one round trip before judging, not two', async () => {
    const dynamo = deployed.dynamo();
    dynamo.latencyMs = 15;
    try {
      const { findings, operations, inFlight } = await invoke(await fresh('kms/DisableKey.json', 'c1a1e000-0000-4000-8000-000000000001'));
      expect(findings).toEqual(['kms.key-disabled']);
      // the revision (state table) and the claim (markers table), the second sent while the first is held
      expect(operations.slice(0, 2).sort()).toEqual(['GetItem', 'PutItem']);
      expect(inFlight[1]).toBe(2);
    } finally {
      dynamo.latencyMs = 0;
    }
  });

  it('releases the claim when the posture cannot be read, so that the retry is judged', async () => {
    const id = 'c1a1e000-0000-4000-8000-000000000002';
    const event = await fresh('kms/DisableKey.json', id);
    const markers = new DynamoDbStateStore({ tableName: 'processor-state', markersTableName: 'processor-markers', client: deployed.dynamo().client });
    // the posture revision's read fails (its claim beside it is made)
    const operations = deployed.dynamo().operations;
    const before = operations.length;
    deployed.dynamo().failNext('GetItem', 1);
    await expect(deployed.handler()(event as never)).rejects.toThrow('injected AccessDeniedException');
    expect(operations.slice(before).sort()).toEqual(['DeleteItem', 'GetItem', 'PutItem']);
    // the claim made beside the failed read was given back: the retry claims and judges the event
    expect((await invoke(event)).findings).toEqual(['kms.key-disabled']);
    expect(await markers.claimEvent(id, Date.now())).toBe(false);
  });

  it('serves a data event from its copy of the posture without asking for the revision', async () => {
    const write = await invoke(await load('s3/PutObject.sse-kms.json'));
    expect(write.operations.filter((o) => o === 'Scan')).toEqual([]);
    expect(write.operations.filter((o) => o === 'GetItem')).toEqual([]);
  });
});
