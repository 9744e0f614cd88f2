import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { servedResource, usagePrincipal } from '../../src/correlate/apply-kms.js';
import { contextResources } from '../../src/correlate/kms.js';
import { Ledger, USAGE_WINDOW_MS } from '../../src/correlate/ledger.js';
import type { CloudTrailEvent } from '../../src/events/types.js';
import { collect, CORPUS, EVENTS } from '../helpers.js';

async function one(path: string): Promise<CloudTrailEvent> {
  const [item] = await collect([path]);
  if (item?.kind !== 'event') throw new Error(`${path} is not an event`);
  return item.event;
}

describe('data-key calls are attributed to the resource they served and the principal behind them', () => {
  it('S3 without Bucket Keys (object ARN context, 2015 doc record invoked through internal.amazonaws.com)', async () => {
    const event = await one(join(CORPUS, 'kms/doc2023__kms-devguide__GenerateDataKey_via-S3_invokedBy-internal.json'));
    expect(contextResources(event)).toEqual(['arn:aws:s3:::example_bucket/example_object', 'arn:aws:s3:::example_bucket']);
    expect(servedResource(event)).toEqual({ resource: 'arn:aws:s3:::example_bucket', objectLevel: true });
    expect(usagePrincipal(event)).toBe('arn:aws:iam::111122223333:role/Admins');
    const ledger = new Ledger();
    ledger.apply(event);
    const key = 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const window = Math.floor(event.eventTimeMs / USAGE_WINDOW_MS) * USAGE_WINDOW_MS;
    expect(ledger.usage(key, 'arn:aws:s3:::example_bucket', 'arn:aws:iam::111122223333:role/Admins', 'GenerateDataKey', window)).toBe(1);
    expect(ledger.usage(key, 'arn:aws:s3:::example_bucket', '*', 'per-object', window)).toBe(1);
  });

  it('S3 with Bucket Keys (bucket ARN context) counts at the bucket, not per object', async () => {
    const event = await one(join(EVENTS, 'kms/Decrypt.key-disabled.json'));
    expect(servedResource(event)).toEqual({ resource: 'arn:aws:s3:::risk-reports', objectLevel: false });
  });

  it('S3 Tables maintenance: table and table bucket from the context, the service principal as caller', async () => {
    const event = await one(join(EVENTS, 'kms/GenerateDataKey.s3tables-maintenance-ok.json'));
    const [table, bucket] = contextResources(event);
    expect(bucket).toBe('arn:aws:s3tables:us-east-1:111122223333:bucket/analytics-lake');
    expect(table).toMatch(/^arn:aws:s3tables:us-east-1:111122223333:bucket\/analytics-lake\/table\/[0-9a-f-]+$/);
    expect(servedResource(event)).toEqual({ resource: table, objectLevel: false });
    expect(usagePrincipal(event)).toBe('maintenance.s3tables.amazonaws.com');
  });
});
