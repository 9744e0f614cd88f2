import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ledger, usageKey, type BucketEntry } from '../../src/correlate/ledger.js';
import { usagePrincipal } from '../../src/correlate/apply-kms.js';
import { normalizeValue } from '../../src/events/normalize.js';
import type { CloudTrailEvent } from '../../src/events/types.js';
import { record } from '../helpers.js';

const BUCKET = 'arn:aws:s3tables:us-east-1:111122223333:bucket/analytics';
const KEY_A = 'arn:aws:kms:us-east-1:111122223333:key/aaaaaaaa-0000-4000-8000-000000000001';
const KEY_B = 'arn:aws:kms:us-east-1:111122223333:key/bbbbbbbb-0000-4000-8000-000000000002';

function event(overrides: Record<string, unknown>): CloudTrailEvent {
  const [item] = normalizeValue(record(overrides), { source: 'test' });
  if (item?.kind !== 'event') throw new Error('fixture is not an event');
  return item.event;
}

const createBucket = (id: string, time: string, key?: string) =>
  event({ eventID: id, eventTime: time, eventName: 'CreateTableBucket', requestParameters: { name: 'analytics', ...(key ? { encryptionConfiguration: { sseAlgorithm: 'aws:kms', kmsKeyArn: key } } : {}) }, responseElements: { arn: BUCKET } });
const putEncryption = (id: string, time: string, key: string) =>
  event({ eventID: id, eventTime: time, eventName: 'PutTableBucketEncryption', requestParameters: { tableBucketARN: encodeURIComponent(BUCKET), encryptionConfiguration: { sseAlgorithm: 'aws:kms', kmsKeyArn: key } } });
const deleteEncryption = (id: string, time: string) => event({ eventID: id, eventTime: time, eventName: 'DeleteTableBucketEncryption' });
const createTable = (id: string, time: string, name: string, key?: string) =>
  event({
    eventID: id, eventTime: time, eventName: 'CreateTable',
    requestParameters: { tableBucketARN: BUCKET, namespace: ['sales'], name, ...(key ? { encryptionConfiguration: { sseAlgorithm: 'aws:kms', kmsKeyArn: key } } : {}) },
    responseElements: { tableARN: `${BUCKET}/table/${name}-id` },
  });

describe('Ledger', () => {
  it('prunes the usage windows past the week of retention, and only those, reporting each for deletion', () => {
    const ledger = new Ledger();
    const day = 24 * 3600_000;
    const start = Date.parse('2025-01-01T00:00:00Z');
    for (let d = 0; d < 10; d++) {
      ledger.apply(event({
        eventID: `e${d}`, eventTime: new Date(start + d * day).toISOString(), eventSource: 'kms.amazonaws.com', eventName: 'Decrypt',
        requestParameters: { keyId: KEY_A, encryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::data' } }, resources: [{ ARN: KEY_A }],
      }));
    }
    ledger.takeDirty();
    const principal = 'arn:aws:iam::111122223333:user/alice';
    // a week before day 9: days 0 and 1 are past it, day 2 is on it
    expect(ledger.pruneUsage(start + 9 * day)).toBe(2);
    expect(ledger.takeRemoved().sort()).toEqual([0, 1].map((d) => usageKey(KEY_A, 'arn:aws:s3:::data', principal, 'Decrypt', start + d * day)).sort());
    expect(ledger.usage(KEY_A, 'arn:aws:s3:::data', principal, 'Decrypt', start + day)).toBe(0);
    expect(ledger.usage(KEY_A, 'arn:aws:s3:::data', principal, 'Decrypt', start + 2 * day)).toBe(1);
    expect(ledger.all().filter((entry) => entry.kind === 'usage')).toHaveLength(8);
    expect(ledger.pruneUsage(start + 9 * day)).toBe(0);
  });

  it('names the resources a key served last, newest first, as a stable sort of them all would (ties in first-seen order)', () => {
    const uses = fc.array(fc.record({ bucket: fc.integer({ min: 0, max: 29 }), minute: fc.integer({ min: 0, max: 15 }) }), { maxLength: 80 });
    fc.assert(fc.property(uses, fc.integer({ min: 1, max: 25 }), (calls, limit) => {
      const ledger = new Ledger();
      calls.forEach(({ bucket, minute }, i) => ledger.apply(event({
        eventID: `u${i}`, eventTime: new Date(Date.parse('2025-01-10T10:00:00Z') + minute * 60_000).toISOString(), eventSource: 'kms.amazonaws.com',
        eventName: 'Decrypt', requestParameters: { keyId: KEY_A, encryptionContext: { 'aws:s3:arn': `arn:aws:s3:::data-${bucket}` } }, resources: [{ ARN: KEY_A }],
      })));
      const all = [...ledger.lastUsed(KEY_A)];
      expect(ledger.latestUses(KEY_A, limit)).toEqual({ resources: all.length, latest: [...all].sort((a, b) => b[1] - a[1]).slice(0, limit) });
    }));
    expect(new Ledger().latestUses(KEY_B, 5)).toEqual({ resources: 0, latest: [] });
  });

  it('summarises when each key last served each resource, rewriting the summary only when it moved on by minutes', () => {
    const decryptAt = (id: string, time: string) => event({
      eventID: id, eventTime: time, eventSource: 'kms.amazonaws.com', eventName: 'Decrypt',
      requestParameters: { keyId: KEY_A, encryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::data/object' } }, resources: [{ ARN: KEY_A }],
    });
    const keyUse = (ledger: Ledger) => ledger.takeDirty().filter((e) => e.kind === 'key-use');
    const ledger = new Ledger();
    ledger.apply(decryptAt('d1', '2025-01-10T10:00:00Z'));
    expect(keyUse(ledger)).toEqual([{ kind: 'key-use', keyArn: KEY_A, lastUsed: { 'arn:aws:s3:::data': Date.parse('2025-01-10T10:00:00Z') } }]);
    ledger.apply(decryptAt('d2', '2025-01-10T10:01:00Z'));
    expect(keyUse(ledger)).toEqual([]);
    expect(ledger.lastUsed(KEY_A).get('arn:aws:s3:::data')).toBe(Date.parse('2025-01-10T10:01:00Z'));
    ledger.apply(decryptAt('d3', '2025-01-10T10:06:00Z'));
    expect(keyUse(ledger).map((e) => e.kind === 'key-use' && e.lastUsed['arn:aws:s3:::data'])).toEqual([Date.parse('2025-01-10T10:06:00Z')]);
    // after a save the stored summary is the one written (10:06), not a newer time still only in memory
    ledger.apply(decryptAt('d4', '2025-01-10T10:08:00Z'));
    ledger.takeDirty();
    expect(ledger.storedPosture()).toEqual([{ kind: 'key-use', keyArn: KEY_A, lastUsed: { 'arn:aws:s3:::data': Date.parse('2025-01-10T10:06:00Z') } }]);
    // a ledger hydrated from the summary alone knows the same, and writes nothing back for it
    const later = new Ledger();
    later.load([{ kind: 'key-use', keyArn: KEY_A, lastUsed: { 'arn:aws:s3:::data': Date.parse('2025-01-10T10:06:00Z') } }]);
    expect(later.lastUsed(KEY_A)).toEqual(new Map([['arn:aws:s3:::data', Date.parse('2025-01-10T10:06:00Z')]]));
    expect(later.takeDirty()).toEqual([]);
  });

  it('ties a bucket in China to the key its data-key calls use: the bucket\'s ARN and the encryption context share the partition', () => {
    const key = 'arn:aws-cn:kms:cn-north-1:111122223333:key/cccccccc-0000-4000-8000-000000000003';
    const ledger = new Ledger();
    ledger.apply(event({
      eventID: 'cn-1', eventTime: '2025-01-10T10:00:00Z', awsRegion: 'cn-north-1', eventSource: 's3.amazonaws.com', eventName: 'PutBucketEncryption',
      requestParameters: { bucketName: 'data', ServerSideEncryptionConfiguration: { Rule: { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key } } } },
    }));
    ledger.apply(event({
      eventID: 'cn-2', eventTime: '2025-01-10T10:05:00Z', awsRegion: 'cn-north-1', eventSource: 'kms.amazonaws.com', eventName: 'Decrypt',
      userIdentity: { type: 'AWSService', invokedBy: 's3.amazonaws.com' }, resources: [{ ARN: key }],
      requestParameters: { keyId: key, encryptionContext: { 'aws:s3:arn': 'arn:aws-cn:s3:::data/part-1.parquet' }, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
    }));
    expect(ledger.protectedBy(key).buckets).toEqual(['arn:aws-cn:s3:::data']);
    expect([...ledger.lastUsed(key).keys()]).toEqual(['arn:aws-cn:s3:::data']);
  });

  it('knows which table buckets and tables a key protects, with inheritance', () => {
    const ledger = new Ledger();
    for (const e of [createBucket('1', '2025-01-01T00:00:00Z', KEY_A), createTable('2', '2025-01-01T00:01:00Z', 'orders', KEY_B), createTable('3', '2025-01-01T00:02:00Z', 'customers')]) ledger.apply(e);
    expect(ledger.protectedBy(KEY_A)).toEqual({ keyArn: KEY_A, tableBuckets: [BUCKET], tables: [`${BUCKET}/table/customers-id`], buckets: [] });
    expect(ledger.protectedBy(KEY_B).tables).toEqual([`${BUCKET}/table/orders-id`]);
    expect(ledger.table(`${BUCKET}/table/customers-id`)).toMatchObject({ inherited: true, namespace: 'sales', name: 'customers' });
    expect(ledger.tableArnByName(BUCKET, 'sales', 'orders')).toBe(`${BUCKET}/table/orders-id`);
  });

  it('records SSE-S3 after the default is deleted; tables keep their key', () => {
    const ledger = new Ledger();
    for (const e of [createBucket('1', '2025-01-01T00:00:00Z', KEY_A), createTable('2', '2025-01-01T00:01:00Z', 'a'), deleteEncryption('3', '2025-01-01T00:02:00Z'), createTable('4', '2025-01-01T00:03:00Z', 'b')]) ledger.apply(e);
    expect(ledger.tableBucket(BUCKET)).toMatchObject({ encryption: { sseAlgorithm: 'AES256' }, encryptionSource: 'default-after-delete' });
    expect(ledger.protectedBy(KEY_A)).toEqual({ keyArn: KEY_A, tableBuckets: [], tables: [`${BUCKET}/table/a-id`], buckets: [] });
    expect(ledger.table(`${BUCKET}/table/b-id`)?.encryption).toEqual({ sseAlgorithm: 'AES256' });
  });

  it('ignores failed calls', () => {
    const ledger = new Ledger();
    ledger.apply({ ...createBucket('1', '2025-01-01T00:00:00Z', KEY_A), errorCode: 'AccessDenied' });
    expect(ledger.all()).toEqual([]);
  });

  it('converges on the bucket default whatever the arrival order (property)', () => {
    const updates = [
      createBucket('1', '2025-01-01T00:00:00Z', KEY_A),
      putEncryption('2', '2025-01-01T00:05:00Z', KEY_B),
      deleteEncryption('3', '2025-01-01T00:10:00Z'),
      putEncryption('4', '2025-01-01T00:15:00Z', KEY_A),
    ];
    const expected = new Ledger();
    for (const e of updates) expected.apply(e);
    fc.assert(
      fc.property(fc.shuffledSubarray(updates, { minLength: updates.length, maxLength: updates.length }), (order) => {
        const ledger = new Ledger();
        for (const e of order) ledger.apply(e);
        expect(ledger.tableBucket(BUCKET)?.encryption).toEqual(expected.tableBucket(BUCKET)?.encryption);
      }),
    );
    expect(expected.tableBucket(BUCKET)?.encryption?.kmsKeyArn).toBe(KEY_A);
  });

  it('hands changed entries to the store once', () => {
    const ledger = new Ledger();
    ledger.apply(createBucket('1', '2025-01-01T00:00:00Z', KEY_A));
    expect(ledger.takeDirty()).toHaveLength(1);
    expect(ledger.takeDirty()).toHaveLength(0);
  });
});

describe('Ledger.protectedBy', () => {
  const ALIAS = 'arn:aws:kms:us-east-1:111122223333:alias/lake';
  const pointAlias = (id: string, time: string, key: string) => event({
    eventID: id, eventTime: time, eventSource: 'kms.amazonaws.com', eventName: 'UpdateAlias', requestParameters: { aliasName: 'alias/lake', targetKeyId: key },
  });
  const s3 = (id: string, time: string, eventName: string, bucket: string, requestParameters: Record<string, unknown> = {}) => event({
    eventID: id, eventTime: time, eventSource: 's3.amazonaws.com', eventName, requestParameters: { bucketName: bucket, ...requestParameters },
  });
  const step = fc.oneof(
    fc.constantFrom(KEY_A, KEY_B, ALIAS).map((key) => (id: string, time: string) => putEncryption(id, time, key)),
    fc.constant((id: string, time: string) => deleteEncryption(id, time)),
    fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.constantFrom(KEY_A, KEY_B, ALIAS, undefined)).map(([name, key]) => (id: string, time: string) => createTable(id, time, name, key)),
    fc.constantFrom('a', 'b', 'c').map((name) => (id: string, time: string) => event({
      eventID: id, eventTime: time, eventName: 'DeleteTable', requestParameters: { tableBucketARN: BUCKET, namespace: 'sales', name },
    })),
    fc.constantFrom(KEY_A, KEY_B).map((key) => (id: string, time: string) => pointAlias(id, time, key)),
    fc.tuple(fc.constantFrom('data-a', 'data-b'), fc.constantFrom(KEY_A, KEY_B, ALIAS)).map(([bucket, key]) => (id: string, time: string) => s3(id, time, 'PutBucketEncryption', bucket, {
      ServerSideEncryptionConfiguration: { Rule: { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key } } },
    })),
    fc.constantFrom('data-a', 'data-b').map((bucket) => (id: string, time: string) => s3(id, time, 'DeleteBucketEncryption', bucket)),
    // a key's state is no part of what it protects: its cached answer stays
    fc.constant((id: string, time: string) => event({ eventID: id, eventTime: time, eventSource: 'kms.amazonaws.com', eventName: 'DisableKey', requestParameters: { keyId: KEY_A }, resources: [{ ARN: KEY_A }] })),
  );

  it('answers from its cache exactly what a ledger built from the same events answers, however many changes came between', () => {
    // each step says whether the keys are asked after it: changes also pile up between two answers
    fc.assert(fc.property(fc.array(fc.tuple(step, fc.boolean()), { maxLength: 24 }), (steps) => {
      const events = [createBucket('0', '2025-01-01T00:00:00Z', KEY_A), ...steps.map(([make], i) => make(String(i + 1), new Date(Date.parse('2025-01-01T00:01:00Z') + i * 60_000).toISOString()))];
      const asked = [true, ...steps.map(([, ask]) => ask)];
      const cached = new Ledger();
      for (const [i, e] of events.entries()) {
        cached.apply(e);
        if (!asked[i] && i < events.length - 1) continue;
        const fresh = new Ledger();
        for (const earlier of events.slice(0, i + 1)) fresh.apply(earlier);
        for (const key of [KEY_A, KEY_B]) {
          // asked twice: the second answer comes from the cache
          expect(cached.protectedBy(key)).toEqual(fresh.protectedBy(key));
          expect(cached.protectedBy(key)).toEqual(fresh.protectedBy(key));
        }
      }
    }), { numRuns: 500 });
  });

  it('lists a bucket once when it leaves a key and comes back before the key is asked again', () => {
    const ledger = new Ledger();
    const encrypt = (id: string, minute: number, key: string) => ledger.apply(s3(id, `2025-01-01T00:0${minute}:00Z`, 'PutBucketEncryption', 'data-a', {
      ServerSideEncryptionConfiguration: { Rule: { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key } } },
    }));
    encrypt('1', 1, KEY_A);
    expect(ledger.protectedBy(KEY_A).buckets).toEqual(['arn:aws:s3:::data-a']);
    encrypt('2', 2, KEY_B);
    encrypt('3', 3, KEY_A);
    expect(ledger.protectedBy(KEY_A).buckets).toEqual(['arn:aws:s3:::data-a']);
    expect(ledger.protectedBy(KEY_B).buckets).toEqual([]);
  });

  it('hands out answers that cannot be changed by the caller', () => {
    const ledger = new Ledger();
    ledger.apply(createBucket('1', '2025-01-01T00:00:00Z', KEY_A));
    expect(() => (ledger.protectedBy(KEY_A).tableBuckets as string[]).push('x')).toThrow(TypeError);
    expect(ledger.protectedBy(KEY_A).tableBuckets).toEqual([BUCKET]);
  });
});

describe('Ledger.usageTotal', () => {
  it('sums the windows in range, whether it walks the series or the hours asked for', () => {
    const HOUR = 3_600_000;
    const start = Date.parse('2025-01-10T00:00:00Z');
    const resource = 'arn:aws:s3:::data';
    const decrypt = (i: number, at: number) => event({
      eventID: `u${i}`, eventTime: new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z'), eventSource: 'kms.amazonaws.com', eventName: 'Decrypt',
      requestParameters: { keyId: KEY_A, encryptionContext: { 'aws:s3:arn': resource } }, resources: [{ ARN: KEY_A }],
    });
    const principal = usagePrincipal(decrypt(0, start));
    // up to 60 calls over three days against 0–48 hours: the series is sometimes larger, sometimes smaller than the range
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 72 * HOUR }), { maxLength: 60 }), fc.integer({ min: -2, max: 74 }), fc.integer({ min: 0, max: 48 }), (offsets, fromHour, hours) => {
      const ledger = new Ledger();
      offsets.forEach((offset, i) => ledger.apply(decrypt(i, start + offset)));
      const from = start + fromHour * HOUR;
      let expected = 0;
      for (let h = 0; h < hours; h++) expected += ledger.usage(KEY_A, resource, principal, 'Decrypt', from + h * HOUR);
      expect(ledger.usageTotal(KEY_A, resource, principal, 'Decrypt', from, from + hours * HOUR)).toBe(expected);
    }));
  });
});

describe('Ledger.changeCount', () => {
  it('moves with every change to the entries, saved or not, and not with loads or reads', () => {
    const ledger = new Ledger();
    ledger.load([{ kind: 'bucket', arn: 'arn:aws:s3:::payroll', version: { time: 1, eventId: 'a' } }]);
    ledger.bucket('arn:aws:s3:::payroll');
    ledger.protectedBy('arn:aws:kms:us-east-1:111122223333:key/k');
    expect(ledger.changeCount).toBe(0);
    ledger.update<BucketEntry>({ kind: 'bucket', arn: 'arn:aws:s3:::payroll' }, { encryption: { sseAlgorithm: 'AES256' } }, { time: 2, eventId: 'b' });
    // an older change of the same field changes nothing
    ledger.update<BucketEntry>({ kind: 'bucket', arn: 'arn:aws:s3:::payroll' }, { encryption: { sseAlgorithm: 'aws:kms' } }, { time: 1, eventId: 'c' });
    expect(ledger.changeCount).toBe(1);
    ledger.takeDirty();
    ledger.countUsage('arn:aws:kms:us-east-1:111122223333:key/k', 'arn:aws:s3:::payroll', 'alice', 'Decrypt', 0);
    ledger.countUsage('arn:aws:kms:us-east-1:111122223333:key/k', 'arn:aws:s3:::payroll', 'alice', 'Decrypt', 1);
    expect(ledger.changeCount).toBe(3);
    ledger.pruneUsage(400 * 24 * 3600_000);
    expect(ledger.changeCount).toBe(4);
  });
});

