import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { policyFromInput } from '../../src/policy/load.js';
import { mockClient } from 'aws-sdk-client-mock';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { objectsOf, processLogObject } from '../../src/lambda/logfile.js';
import { Pipeline } from '../../src/pipeline.js';
import { MemoryStateStore } from '../../src/state/memory.js';
import { EVENTS } from '../helpers.js';

const SPIKE = join(EVENTS, 'scenarios/decrypt-spike/111122223333_CloudTrail_us-east-1_20250110T1200Z_decryptSpike0001.json.gz');
/** S3 hands the body over in chunks: 1 KiB here, so records and the gzip stream cross chunk boundaries. */
function chunked(bytes: Buffer, size = 1024): Readable {
  return Readable.from(Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size)));
}
const pipeline = () => Pipeline.create({ policy: policyFromInput(), store: new MemoryStateStore() });

describe('CloudTrail log objects from S3', () => {
  it('streams a gzip log object through the pipeline', async () => {
    const s3 = mockClient(S3Client);
    const bytes = await readFile(SPIKE);
    s3.on(GetObjectCommand).callsFake(() => ({ Body: chunked(bytes) }));
    const result = await processLogObject(new S3Client({ region: 'us-east-1' }), { bucket: 'trail-logs', key: 'AWSLogs/111122223333/CloudTrail/us-east-1/2025/01/10/x.json.gz' }, await pipeline());
    expect(result.records).toBe(130);
    expect(result.errors).toEqual([]);
    expect(result.findings.map((f) => f.ruleId).sort()).toEqual(['kms.decrypt-spike', 'kms.per-object-data-keys']);
    s3.restore();
  });

  it('reports a truncated object after processing the records before the cut', async () => {
    const s3 = mockClient(S3Client);
    const bytes = await readFile(SPIKE);
    s3.on(GetObjectCommand).callsFake(() => ({ Body: chunked(bytes.subarray(0, Math.floor(bytes.length * 0.7))) }));
    const result = await processLogObject(new S3Client({ region: 'us-east-1' }), { bucket: 'b', key: 'AWSLogs/1/CloudTrail/r/x.json.gz' }, await pipeline());
    expect(result.records).toBeGreaterThan(10);
    expect(result.errors.join(' ')).toMatch(/gzip|truncated/);
    s3.restore();
  });

  it('skips digest files without reading them, and reads plain JSON objects too', async () => {
    const s3 = mockClient(S3Client);
    s3.on(GetObjectCommand).callsFake(async () => ({ Body: chunked(await readFile(join(EVENTS, 's3tables/CreateTable.foreign-key.json')), 300) }));
    const client = new S3Client({ region: 'us-east-1' });
    expect((await processLogObject(client, { bucket: 'b', key: 'AWSLogs/1/CloudTrail-Digest/us-east-1/2025/01/10/d.json.gz' }, await pipeline())).skipped).toBe('CloudTrail digest file');
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
    const plain = await processLogObject(client, { bucket: 'b', key: 'exports/event.json' }, await pipeline());
    expect(plain.findings.map((f) => f.ruleId)).toEqual(['s3tables.table-key-unapproved']);
    s3.restore();
  });

  it('reads bucket and URL-encoded key from S3\'s Object Created event', () => {
    expect(objectsOf({ detail: { bucket: { name: 'trail-logs' }, object: { key: 'AWSLogs/1/CloudTrail/us-east-1/a+b%3Dc.json.gz' } } })).toEqual([{ bucket: 'trail-logs', key: 'AWSLogs/1/CloudTrail/us-east-1/a b=c.json.gz' }]);
    expect(objectsOf({ detail: {} })).toEqual([]);
  });
});
