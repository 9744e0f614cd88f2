import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../handlers/processor.js';
import { alertTopicArn } from '../../src/lambda/config.js';
import { InvalidEventError } from '../../src/lambda/process-envelope.js';
import { EVENTS } from '../helpers.js';

const sns = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:us-east-1:111122223333:sse-sentinel-test-alerts';
const load = async (name: string) => JSON.parse(await readFile(join(EVENTS, name), 'utf8'));

beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  process.env['ALERT_TOPIC_ARN'] = TOPIC;
});
afterEach(() => {
  delete process.env['ALERT_TOPIC_ARN'];
});

describe('processor handler', () => {
  it('classifies one EventBridge event and publishes the finding with filterable attributes', async () => {
    const result = await handler(await load('s3tables/CreateTable.foreign-key.json'));
    expect(result.findings.map((f) => f.ruleId)).toEqual(['s3tables.table-key-unapproved']);
    const calls = sns.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input.TopicArn).toBe(TOPIC);
    expect(input.Subject).toBe('[CRITICAL] S3 table created with an unapproved KMS key');
    expect(input.MessageAttributes).toMatchObject({
      severity: { DataType: 'String', StringValue: 'CRITICAL' },
      severityScore: { DataType: 'Number', StringValue: '5' },
      ruleId: { StringValue: 's3tables.table-key-unapproved' },
    });
    expect(JSON.parse(input.Message!)).toMatchObject({ schemaVersion: 1, ruleId: 's3tables.table-key-unapproved', runbook: expect.stringMatching(/^1. /), links: expect.arrayContaining([expect.objectContaining({ label: 'CloudTrail event' })]) });
  });

  it('does not publish twice for a redelivered event', async () => {
    const event = await load('s3tables/PutTableBucketEncryption.foreign-key.json');
    await handler(event);
    const again = await handler(event);
    expect(again).toMatchObject({ findings: [], duplicates: 1 });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });

  it('throws on an unreadable event so Lambda retries it and then dead-letters it', async () => {
    await expect(handler({ 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.s3tables', detail: { eventSource: 's3tables.amazonaws.com' } } as never)).rejects.toThrow(InvalidEventError);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('fails the invocation when SNS fails, and the retry is not dropped as a duplicate', async () => {
    sns.on(PublishCommand).rejectsOnce(new Error('Throttling')).resolves({ MessageId: 'm-2' });
    const event = await load('s3tables/CreateTableBucket.foreign-key.json');
    await expect(handler(event)).rejects.toThrow('Throttling');
    // Lambda's retry of the same event delivers the alert
    const retry = await handler(event);
    expect(retry.findings.map((f) => f.ruleId)).toEqual(['s3tables.bucket-key-unapproved']);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(2);
  });
});

describe('alertTopicArn', () => {
  it('builds the topic ARN from the function ARN, and publishes nothing under invoke local', () => {
    const context = { invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:sse-sentinel-prod-processor' };
    expect(alertTopicArn({ ALERT_TOPIC_NAME: 'sse-sentinel-prod-alerts' }, context)).toBe('arn:aws:sns:eu-west-1:111122223333:sse-sentinel-prod-alerts');
    expect(alertTopicArn({ ALERT_TOPIC_NAME: 'x', IS_LOCAL: 'true' }, context)).toBeUndefined();
    expect(alertTopicArn({ ALERT_TOPIC_ARN: TOPIC, IS_LOCAL: 'true' }, context)).toBe(TOPIC);
  });
});
