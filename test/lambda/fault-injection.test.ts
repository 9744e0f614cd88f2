import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EVENTS } from '../helpers.js';
import { startSlackReceiver } from '../alerts/slack-receiver.js';

const ssm = mockClient(SSMClient);

/** An SNS endpoint on loopback that answers 500 to its first `failures` requests, then accepts and records. */
async function startSns(failures: number): Promise<{ endpoint: string; accepted: string[]; requests: () => number; server: Server }> {
  const accepted: string[] = [];
  let requests = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests++;
      const json = String(req.headers['content-type']).includes('json');
      if (requests <= failures) {
        res.writeHead(500, { 'content-type': json ? 'application/x-amz-json-1.0' : 'text/xml' });
        res.end(json ? '{"__type":"InternalError","message":"try again"}' : '<ErrorResponse><Error><Code>InternalError</Code><Message>try again</Message></Error></ErrorResponse>');
        return;
      }
      const message = json ? JSON.parse(body).Message : new URLSearchParams(body).get('Message');
      accepted.push(JSON.parse(String(message)).alertId);
      res.writeHead(200, { 'content-type': json ? 'application/x-amz-json-1.0' : 'text/xml' });
      res.end(json ? `{"MessageId":"m-${requests}"}` : `<PublishResponse><PublishResult><MessageId>m-${requests}</MessageId></PublishResult></PublishResponse>`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, accepted, requests: () => requests, server };
}

describe('fault injection: SNS and Slack failing for a while', () => {
  let sns: Awaited<ReturnType<typeof startSns>>;
  let slack: Awaited<ReturnType<typeof startSlackReceiver>>;
  let handler: (event: unknown) => Promise<{ findings: { eventId: string }[] }>;

  beforeAll(async () => {
    // SNS fails its first 10 requests (the SDK retries 4 times: some invocations fail), Slack its first 7
    sns = await startSns(10);
    const failing = Array.from({ length: 7 }, () => (res: import('node:http').ServerResponse) => { res.writeHead(500); res.end('no'); });
    slack = await startSlackReceiver(failing);
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: slack.url } });
    for (const [name, value] of Object.entries({
      ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:sse-sentinel-test-alerts', AWS_ENDPOINT_URL_SNS: sns.endpoint,
      SLACK_WEBHOOK_PARAMETER: '/sse-sentinel/test/slack-webhook', AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test',
    })) vi.stubEnv(name, value);
    vi.resetModules();
    handler = (await import('../../handlers/processor.js')).handler as never;
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    vi.resetModules();
    await new Promise<void>((resolve) => sns.server.close(() => resolve()));
    await slack.close();
  });

  it('every alert reaches each sink exactly once, or its event is dead-lettered and counted', async () => {
    const template = JSON.parse(await readFile(join(EVENTS, 'kms/DisableKey.json'), 'utf8'));
    const events = Array.from({ length: 8 }, (_, i) => {
      const event = structuredClone(template);
      const key = `arn:aws:kms:us-east-1:111122223333:key/00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      event.id = `fault-envelope-${i}`;
      event.detail.eventID = `fa000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      event.detail.requestParameters = { keyId: key };
      event.detail.resources = [{ ARN: key, type: 'AWS::KMS::Key', accountId: '111122223333' }];
      return event;
    });
    const deadLettered: string[] = [];
    let failedInvocations = 0;
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      for (const event of events) {
        // Lambda's asynchronous invocation: the first attempt and two retries, then the on-failure destination
        let delivered = false;
        for (let attempt = 0; attempt < 3 && !delivered; attempt++) {
          try {
            await handler(event);
            delivered = true;
          } catch {
            failedInvocations++;
          }
        }
        if (!delivered) deadLettered.push(event.id);
      }
    } finally {
      log.mockRestore();
    }
    const slackIds = slack.received.filter((_, i) => i >= 7).map((r) => JSON.stringify(r.body));
    // nothing sent twice
    expect(new Set(sns.accepted).size).toBe(sns.accepted.length);
    expect(new Set(slackIds).size).toBe(slackIds.length);
    // nothing lost: an event's alert got everywhere, or the event is in the dead-letter count
    expect(sns.accepted.length + deadLettered.length).toBe(events.length);
    expect(slackIds.length + deadLettered.length).toBe(events.length);
    // the faults happened: invocations failed and were retried, the sinks saw the failing requests
    expect(failedInvocations).toBeGreaterThan(0);
    expect(sns.requests()).toBeGreaterThan(10);
    expect(slack.received.length).toBeGreaterThan(7);
  }, 120_000);
});
