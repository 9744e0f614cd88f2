import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { usageKey, usageWindowStart } from '../../src/correlate/ledger.js';
import { DynamoDbStateStore } from '../../src/state/dynamodb.js';
import { envelope, record } from '../helpers.js';
import { deployedAgainstTables } from './deployed-tables.js';

const KEY = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const PRINCIPAL = 'arn:aws:iam::111122223333:user/alice';

type UsageHandler = (event: SQSEvent) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;
/** The usage function as deployed, each request to its tables answered after 5 ms. */
const deployed = deployedAgainstTables('usage', async () => (await import('../../handlers/usage.js')) as unknown as { handler: UsageHandler }, { latencyMs: 5 });

/** Decrypts of fifty buckets (bucket-level contexts: S3 Bucket Keys on), two each, as SQS messages. */
function batch(): SQSEvent {
  return {
    Records: Array.from({ length: 100 }, (_, i) => ({
      messageId: `m-${i}`, receiptHandle: `r-${i}`, attributes: {} as never, messageAttributes: {}, md5OfBody: '', eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:111122223333:usage', awsRegion: 'us-east-1',
      body: JSON.stringify(envelope(record({
        eventSource: 'kms.amazonaws.com', eventName: 'Decrypt', readOnly: true, eventTime: '2025-01-10T10:00:00Z',
        eventID: `a0000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        requestParameters: { keyId: KEY, encryptionContext: { 'aws:s3:arn': `arn:aws:s3:::bucket-${i % 50}` } },
        resources: [{ ARN: KEY, type: 'AWS::KMS::Key', accountId: '111122223333' }],
      }), { source: 'aws.kms', id: `env-${i}` })),
    })),
  };
}

describe('usage function against its tables', () => {
  it('claims a batch and writes its counters with requests in flight together, and counts every record once', async () => {
    const dynamo = deployed.dynamo();
    const handler = deployed.handler();
    const result = await handler(batch());
    expect(result.batchItemFailures).toEqual([]);
    // a hundred claims and fifty counters (two writes each) one after another would hold one request at a time
    expect(dynamo.mostInFlight()).toBeGreaterThanOrEqual(8);
    const store = new DynamoDbStateStore({ tableName: 'usage-state', markersTableName: 'usage-markers', client: dynamo.client });
    const window = usageWindowStart(Date.parse('2025-01-10T10:00:00Z'));
    const counters = await store.loadUsage(Array.from({ length: 50 }, (_, b) => usageKey(KEY, `arn:aws:s3:::bucket-${b}`, PRINCIPAL, 'Decrypt', window)));
    expect(counters.map((c) => c.count)).toEqual(Array.from({ length: 50 }, () => 2));
    // a redelivery of the batch counts nothing twice: every claim holds
    expect((await handler(batch())).batchItemFailures).toEqual([]);
    const again = await store.loadUsage(counters.map((c) => c.key));
    expect(again.map((c) => c.count)).toEqual(Array.from({ length: 50 }, () => 2));
  });
});
