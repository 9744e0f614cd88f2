import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryStateStore } from '../../src/state/memory.js';
import { handler } from '../../handlers/usage.js';
import { EVENTS } from '../helpers.js';

const sns = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:us-east-1:111122223333:sse-sentinel-test-alerts';

function sqsEvent(bodies: string[]): SQSEvent {
  return {
    Records: bodies.map((body, i) => ({
      messageId: `m-${i}`, receiptHandle: `r-${i}`, body, attributes: {} as never, messageAttributes: {}, md5OfBody: '',
      eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:us-east-1:111122223333:sse-sentinel-test-usage', awsRegion: 'us-east-1',
    })),
  };
}

beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm' });
  process.env['ALERT_TOPIC_ARN'] = TOPIC;
});
afterEach(() => {
  delete process.env['ALERT_TOPIC_ARN'];
});

describe('usage handler', () => {
  it('saves the batch\'s counters once, and fails the whole batch (releasing its claims) when the save fails', async () => {
    const body = JSON.parse(await readFile(join(EVENTS, 'kms/GenerateDataKey.s3tables-maintenance-ok.json'), 'utf8'));
    const bodies = Array.from({ length: 5 }, (_, i) => JSON.stringify({ ...body, id: `b-${i}`, detail: { ...body.detail, eventID: `batch-save-${i}` } }));
    const saves = vi.spyOn(MemoryStateStore.prototype, 'saveEntries');
    try {
      saves.mockRejectedValueOnce(new Error('throttled'));
      const failed = await handler(sqsEvent(bodies));
      expect(failed.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['m-0', 'm-1', 'm-2', 'm-3', 'm-4']);
      const retried = await handler(sqsEvent(bodies));
      expect(retried.batchItemFailures).toEqual([]);
      expect(saves).toHaveBeenCalledTimes(2);
      // the retry was counted, not dropped as duplicates: five data-key calls in one saved usage counter
      const saved = saves.mock.calls[1]![0].filter((e) => e.kind === 'usage');
      expect(saved.map((e) => (e as { delta?: number }).delta).reduce((a, b) => a! + b!, 0)).toBe(5);
    } finally {
      saves.mockRestore();
    }
  });

  it('judges S3 object writes and denied data-key calls in the batch too (their rules feed the same queue)', async () => {
    const [copy, dataKey, denied] = await Promise.all(['s3/CopyObject.foreign-kms-key.json', 'kms/GenerateDataKey.s3tables-maintenance-ok.json', 'kms/GenerateDataKey.s3tables-maintenance-denied.json']
      .map((file) => readFile(join(EVENTS, file), 'utf8')));
    const result = await handler(sqsEvent([copy!, dataKey!, denied!]));
    expect(result.batchItemFailures).toEqual([]);
    const published = sns.commandCalls(PublishCommand).map((c) => JSON.parse(c.args[0].input.Message!));
    expect(published.map((alert) => [alert.ruleId, alert.severity])).toEqual([['s3.object-unexpected-encryption', 'CRITICAL'], ['s3tables.kms-access-denied', 'HIGH']]);
  });

  it('processes a batch and reports only the unreadable message as failed', async () => {
    const crossAccount = await readFile(join(EVENTS, 'kms/Decrypt.cross-account.json'), 'utf8');
    const ok = await readFile(join(EVENTS, 'kms/GenerateDataKey.s3tables-maintenance-ok.json'), 'utf8');
    const result = await handler(sqsEvent([crossAccount, '{"not": "an event"', ok]));
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }]);
    const published = sns.commandCalls(PublishCommand).map((c) => JSON.parse(c.args[0].input.Message!).ruleId);
    expect(published).toEqual(['kms.cross-account-use']);
  });

  it('reports a message whose alert cannot be published, and the redelivery publishes it', async () => {
    const body = await readFile(join(EVENTS, 'kms/Decrypt.cross-account.json'), 'utf8');
    const edited = JSON.parse(body);
    edited.detail.eventID = 'usage-retry-test';
    edited.detail.eventTime = '2025-01-11T10:00:00Z'; // another alert window than the first test's
    sns.on(PublishCommand).rejectsOnce(new Error('Throttling')).resolves({ MessageId: 'm' });
    expect((await handler(sqsEvent([JSON.stringify(edited)]))).batchItemFailures).toEqual([{ itemIdentifier: 'm-0' }]);
    expect((await handler(sqsEvent([JSON.stringify(edited)]))).batchItemFailures).toEqual([]);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(2);
  });
});
