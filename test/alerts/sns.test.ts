import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildAlert, type Alert } from '../../src/alerts/alert.js';
import { SNS_BODY_LIMIT, SnsSink, snsPublishInput } from '../../src/alerts/sns.js';
import { sdkPublish } from '../../src/alerts/sns-sdk.js';
import { RULES } from '../../src/rules/index.js';
import { EVENTS, examplePolicy, replayFiles } from '../helpers.js';

const TOPIC = 'arn:aws:sns:us-east-1:111122223333:sse-sentinel-test-alerts';
const rulesById = new Map(RULES.map((r) => [r.id, r]));
async function alertFor(fixture: string): Promise<Alert> {
  const { findings } = await replayFiles([join(EVENTS, fixture)], await examplePolicy());
  const finding = findings.at(-1)!;
  return buildAlert(finding, rulesById.get(finding.ruleId));
}
const bytes = (input: { Message?: string; MessageAttributes?: unknown }) => Buffer.byteLength(input.Message ?? '') + Buffer.byteLength(JSON.stringify(input.MessageAttributes));

describe('SNS sink', () => {
  it('publishes a versioned body with filterable attributes and a clean subject', async () => {
    const sns = mockClient(SNSClient);
    sns.on(PublishCommand).resolves({ MessageId: 'm' });
    const alert = await alertFor('kms/PutKeyPolicy.public.json');
    await new SnsSink(sdkPublish(new SNSClient({ region: 'us-east-1' })), TOPIC).send({ ...alert, title: `${alert.title}\n${'x'.repeat(200)}` });
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input.Subject!.length).toBeLessThan(100);
    expect(input.Subject).not.toMatch(/[\n\r\u0000-\u001f]/);
    expect(input.MessageAttributes).toEqual({
      severity: { DataType: 'String', StringValue: 'CRITICAL' },
      severityScore: { DataType: 'Number', StringValue: '5' },
      ruleId: { DataType: 'String', StringValue: 'kms.key-policy-public' },
      account: { DataType: 'String', StringValue: '111122223333' },
      eventSource: { DataType: 'String', StringValue: 'kms.amazonaws.com' },
    });
    expect(JSON.parse(input.Message!)).toMatchObject({ schemaVersion: 1, alertId: alert.alertId, ruleId: 'kms.key-policy-public' });
    sns.restore();
  });

  it('keeps a message under 256 KB by truncating the largest parts, and says so', async () => {
    const alert = await alertFor('s3/PutBucketPolicy.enforcement-dropped.json');
    const huge = { ...alert, previous: { policy: 'P'.repeat(200 * 1024) }, current: { policy: 'Q'.repeat(200 * 1024) } };
    const input = snsPublishInput(TOPIC, huge);
    expect(bytes(input)).toBeLessThan(256 * 1024);
    expect(Buffer.byteLength(input.Message!)).toBeLessThanOrEqual(SNS_BODY_LIMIT);
    const body = JSON.parse(input.Message!);
    expect(body.truncated).toEqual(expect.arrayContaining(['previous']));
    expect(body.links.length).toBeGreaterThan(0);
  });

  it('uses a group per resource and the alert id as deduplication id on FIFO topics', async () => {
    const alert = await alertFor('s3/DeleteBucketEncryption.after-kms.json');
    const input = snsPublishInput(`${TOPIC}.fifo`, alert);
    expect(input).toMatchObject({ MessageGroupId: 'arn:aws:s3:::payroll-exports', MessageDeduplicationId: alert.alertId });
    expect(snsPublishInput(TOPIC, alert).MessageGroupId).toBeUndefined();
  });

  it('puts the attributes on the wire (SDK against a loopback endpoint)', async () => {
    let request = '';
    let contentType = '';
    const server = createServer((req, res) => {
      contentType = String(req.headers['content-type']);
      req.on('data', (c) => (request += c));
      req.on('end', () => {
        if (contentType.includes('json')) {
          res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
          res.end('{"MessageId":"00000000-0000-0000-0000-000000000001"}');
        } else {
          res.writeHead(200, { 'content-type': 'text/xml' });
          res.end('<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>00000000-0000-0000-0000-000000000001</MessageId></PublishResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const client = new SNSClient({ region: 'us-east-1', endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    try {
      await new SnsSink(sdkPublish(client), TOPIC).send(await alertFor('kms/PutKeyPolicy.public.json'));
    } finally {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    const wire = decodeURIComponent(request.replace(/\+/g, ' '));
    for (const expected of ['severityScore', 'Number', 'CRITICAL', 'kms.key-policy-public', 'eventSource', TOPIC]) expect(wire).toContain(expected);
  });
});
