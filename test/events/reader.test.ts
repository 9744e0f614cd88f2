import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { readInputBatches, readInputs } from '../../src/events/reader.js';
import type { CloudTrailEvent, ReadItem } from '../../src/events/types.js';
import { envelope, record } from '../helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sse-sentinel-reader-'));
});

async function read(paths: string[], stdin?: Readable): Promise<ReadItem[]> {
  const items: ReadItem[] = [];
  for await (const item of readInputs(paths, stdin)) items.push(item);
  return items;
}
const events = (items: ReadItem[]): CloudTrailEvent[] => items.flatMap((i) => (i.kind === 'event' ? [i.event] : []));
const errors = (items: ReadItem[]) => items.flatMap((i) => (i.kind === 'error' ? [i.error] : []));

async function file(name: string, contents: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, contents);
  return path;
}

describe('input forms', () => {
  it('reads an EventBridge envelope', async () => {
    const [event] = events(await read([await file('envelope.json', JSON.stringify(envelope(record())))]));
    expect(event).toMatchObject({ eventName: 'DeleteTableBucketEncryption', detailType: 'AWS API Call via CloudTrail', account: '111122223333' });
  });

  it('reads a bare CloudTrail record', async () => {
    const [event] = events(await read([await file('bare.json', JSON.stringify(record()))]));
    expect(event?.eventId).toBe('e0000000-0000-4000-8000-000000000001');
    expect(event?.location).toEqual({ source: join(dir, 'bare.json'), line: 1, index: 0 });
  });

  it('reads a log file, plain and gzip (recognised by content, not name)', async () => {
    const log = JSON.stringify({ Records: [record({ eventID: 'a' }), record({ eventID: 'b' })] });
    expect(events(await read([await file('log.json', log)])).map((e) => e.eventId)).toEqual(['a', 'b']);
    expect(events(await read([await file('log.json.gz', gzipSync(log))])).map((e) => e.eventId)).toEqual(['a', 'b']);
    expect(events(await read([await file('log-misnamed.json', gzipSync(log))])).map((e) => e.eventId)).toEqual(['a', 'b']);
  });

  it('reads NDJSON line by line: a broken line does not hide the next', async () => {
    const text = `${JSON.stringify(record({ eventID: 'a' }))}\n{"eventName": 1,\n${JSON.stringify(record({ eventID: 'c' }))}\n`;
    const items = await read([await file('events.ndjson', text)]);
    expect(events(items).map((e) => e.eventId)).toEqual(['a', 'c']);
    expect(errors(items)).toEqual([{ location: { source: join(dir, 'events.ndjson'), line: 2, index: 1 }, reason: expect.stringContaining('invalid JSON') }]);
  });

  it('reads a JSON array of records and envelopes', async () => {
    const text = JSON.stringify([record({ eventID: 'a' }), envelope(record({ eventID: 'b' }))]);
    expect(events(await read([await file('array.json', text)])).map((e) => e.eventId)).toEqual(['a', 'b']);
  });

  it('walks a directory recursively in path order, reading only event files', async () => {
    await file('tree/b/2.json', JSON.stringify(record({ eventID: 'b2' })));
    await file('tree/a.json', JSON.stringify(record({ eventID: 'a' })));
    await file('tree/b/1.json.gz', gzipSync(JSON.stringify(record({ eventID: 'b1' }))));
    await file('tree/notes.md', 'not an event');
    expect(events(await read([join(dir, 'tree')])).map((e) => e.eventId)).toEqual(['a', 'b1', 'b2']);
  });

  it('reads standard input', async () => {
    const stdin = Readable.from([JSON.stringify(record({ eventID: 'x' })), '\n', JSON.stringify(record({ eventID: 'y' }))]);
    expect(events(await read(['-'], stdin)).map((e) => e.eventId)).toEqual(['x', 'y']);
  });

  it('reads KMS\'s own EventBridge events', async () => {
    const native = { version: '0', id: 'n1', 'detail-type': 'KMS CMK Deletion', source: 'aws.kms', account: '111122223333', time: '2022-08-10T16:37:50Z', region: 'us-west-2', resources: ['arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'], detail: { 'key-id': '1234abcd-12ab-34cd-56ef-1234567890ab' } };
    const [event] = events(await read([await file('native.json', JSON.stringify(native))]));
    expect(event).toMatchObject({ eventName: 'KMS CMK Deletion', eventSource: 'kms.amazonaws.com', eventType: 'KmsNativeEvent', resources: [{ arn: native.resources[0] }] });
  });
});

describe('bad input is reported, and the rest still read', () => {
  it('names file and line of invalid JSON', async () => {
    const text = '[\n{"eventName":"A"\n "eventSource":"x"},\n' + JSON.stringify(record({ eventID: 'ok' })) + '\n]';
    const path = await file('invalid.json', text);
    const items = await read([path]);
    expect(errors(items)).toEqual([{ location: { source: path, line: 3, index: 0 }, reason: expect.stringMatching(/^invalid JSON: /) }]);
    expect(events(items).map((e) => e.eventId)).toEqual(['ok']);
  });

  it('says why a JSON value is not an event', async () => {
    const path = await file('not-event.json', JSON.stringify([{ hello: 'world' }, 42, record({ eventID: 'ok' })]));
    const items = await read([path]);
    expect(errors(items).map((e) => [e.location.index, e.reason])).toEqual([
      [0, expect.stringMatching(/not a CloudTrail record: eventName/)],
      [1, 'not an event: expected a JSON object, found number'],
    ]);
    expect(events(items)).toHaveLength(1);
  });

  it('reports a truncated gzip after reading the records before the cut', async () => {
    const records = Array.from({ length: 400 }, (_, i) => record({ eventID: `r${i}`, requestParameters: { tableBucketARN: `arn:aws:s3tables:us-east-1:111122223333:bucket/b${i}`, pad: 'x'.repeat(200 + (i % 7)) } }));
    const gz = gzipSync(JSON.stringify({ Records: records }));
    const path = await file('truncated.json.gz', gz.subarray(0, Math.floor(gz.length * 0.6)));
    const items = await read([path, await file('after.json', JSON.stringify(record({ eventID: 'after' })))]);
    const read_ = events(items).map((e) => e.eventId);
    expect(read_.length).toBeGreaterThan(10);
    expect(read_.at(-1)).toBe('after');
    expect(errors(items).some((e) => e.location.source === path && /gzip/.test(e.reason))).toBe(true);
  });

  it('reports a missing file and goes on', async () => {
    const items = await read([join(dir, 'nope.json'), await file('fine.json', JSON.stringify(record()))]);
    expect(errors(items)[0]?.reason).toMatch(/cannot read/);
    expect(events(items)).toHaveLength(1);
  });

  it('skips digest files and non-CloudTrail EventBridge events', async () => {
    const digest = { awsAccountId: '111122223333', digestStartTime: '2023-01-01T00:00:00Z', logFiles: [] };
    const s3Native = envelope({ bucket: { name: 'b' } }, { 'detail-type': 'Object Created', source: 'aws.s3' });
    const items = await read([await file('digest.json', JSON.stringify(digest)), await file('native-s3.json', JSON.stringify(s3Native))]);
    expect(items.map((i) => i.kind)).toEqual(['skip', 'skip']);
  });
});

describe('record variations', () => {
  const one = async (name: string, value: unknown) => events(await read([await file(name, JSON.stringify(value))]))[0]!;

  it('tolerates missing resources, entries without ARN, and `arn` spelled lower-case', async () => {
    expect((await one('v1.json', record({ resources: undefined }))).resources).toEqual([]);
    const event = await one('v2.json', record({ resources: [{ ARNPrefix: 'arn:aws:s3:::b/p' }, { arn: 'arn:aws:kms:us-east-1:111122223333:key/k' }, { ARN: 'arn:aws:s3:::b', type: 'AWS::S3::Bucket', accountId: '111122223333' }] }));
    expect(event.resources).toEqual([{ arn: 'arn:aws:kms:us-east-1:111122223333:key/k' }, { arn: 'arn:aws:s3:::b', type: 'AWS::S3::Bucket', accountId: '111122223333' }]);
  });

  it('keeps Java-style dates in payloads as they are and normalises eventTime', async () => {
    const event = await one('v3.json', record({ eventTime: '2024-11-25 17:51:21.000000000', responseElements: { deletionDate: 'Oct 21, 2024, 2:25:29 PM' } }));
    expect(event.eventTime).toBe('2024-11-25T17:51:21Z');
    expect(event.responseElements['deletionDate']).toBe('Oct 21, 2024, 2:25:29 PM');
  });

  it('takes readOnly as boolean or string, null payloads as empty objects', async () => {
    const event = await one('v4.json', record({ readOnly: 'true', requestParameters: null }));
    expect(event.readOnly).toBe(true);
    expect(event.requestParameters).toEqual({});
  });

  it('synthesises a stable event id when the record has none', async () => {
    const a = await one('v5.json', record({ eventID: undefined }));
    const b = await one('v6.json', record({ eventID: undefined }));
    expect(a.eventId).toMatch(/^sha1-/);
    expect(a.eventId).toBe(b.eventId);
  });

  it('uses the envelope time when a record has no eventTime, and rejects an unreadable one', async () => {
    expect((await one('v7.json', envelope(record({ eventTime: undefined }), { time: '2025-02-02T02:02:02Z' }))).eventTime).toBe('2025-02-02T02:02:02Z');
    const items = await read([await file('v8.json', JSON.stringify(record({ eventTime: 'soon' })))]);
    expect(errors(items)[0]?.reason).toMatch(/eventTime "soon" is not a date/);
  });
});

describe('batches', () => {
  it('hands out a gzip log file a chunk of records at a time, in order, the same items as one at a time', async () => {
    const records = Array.from({ length: 2000 }, (_, i) => record({ eventID: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` }));
    const path = await file('batched.json.gz', gzipSync(JSON.stringify({ Records: records })));
    const batches: ReadItem[][] = [];
    for await (const batch of readInputBatches([path, join(dir, 'missing.json')])) batches.push(batch);
    // one await per chunk of input, not per record (each item through the async generators cost a microtask turn)
    expect(batches.length).toBeLessThan(records.length / 10);
    expect(batches.flat()).toEqual(await read([path, join(dir, 'missing.json')]));
    expect(events(batches.flat()).map((event) => event.eventId)).toEqual(records.map((r) => r['eventID']));
    expect(errors(batches.flat())).toEqual([expect.objectContaining({ reason: expect.stringContaining('cannot read') })]);
  });
});

describe('passing over records of events nothing reads', () => {
  const readsOnlyKms = { reads: (event: { eventSource: string }) => event.eventSource === 'kms.amazonaws.com' };

  it('hands out a passed item for each, events for the rest, in order, and still reports broken records of any service', async () => {
    const log = JSON.stringify({ Records: [
      record({ eventID: 'sts', eventSource: 'sts.amazonaws.com', eventName: 'AssumeRole' }),
      record({ eventID: 'kms', eventSource: 'kms.amazonaws.com', eventName: 'DisableKey' }),
      record({ eventID: 'ec2-bad-time', eventSource: 'ec2.amazonaws.com', eventName: 'RunInstances', eventTime: 'soon' }),
      record({ eventID: 'logs-bad-parameters', eventSource: 'logs.amazonaws.com', eventName: 'CreateLogStream', requestParameters: 'x' }),
      record({ eventID: 'ec2', eventSource: 'ec2.amazonaws.com', eventName: 'DescribeInstances' }),
    ] });
    const path = await file('mixed-services.json.gz', gzipSync(log));
    const items: ReadItem[] = [];
    for await (const item of readInputs([path], undefined, readsOnlyKms)) items.push(item);
    expect(items.map((item) => (item.kind === 'event' ? item.event.eventId : item.kind))).toEqual(['passed', 'kms', 'error', 'error', 'passed']);
    expect(errors(items).map((error) => [error.location.index, error.reason])).toEqual([
      [2, expect.stringMatching(/eventTime "soon" is not a date/)],
      [3, expect.stringMatching(/requestParameters/)],
    ]);
    // without the option every record is an event, as before
    expect(events(await read([path])).map((event) => event.eventId)).toEqual(['sts', 'kms', 'ec2']);
  });

  it('passes over nothing but what the consumer does not read, whatever the input form', async () => {
    const text = [envelope(record({ eventID: 'wrapped-sts', eventSource: 'sts.amazonaws.com', eventName: 'AssumeRole' })), record({ eventID: 'bare-kms', eventSource: 'kms.amazonaws.com', eventName: 'Decrypt' })]
      .map((value) => JSON.stringify(value)).join('\n');
    const items: ReadItem[] = [];
    for await (const item of readInputs([await file('forms.ndjson', text)], undefined, readsOnlyKms)) items.push(item);
    expect(items.map((item) => (item.kind === 'event' ? item.event.eventId : item.kind))).toEqual(['passed', 'bare-kms']);
  });
});
