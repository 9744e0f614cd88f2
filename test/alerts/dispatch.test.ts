import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS, runCli } from '../helpers.js';
import { startSlackReceiver } from './slack-receiver.js';

let dir: string;
const receivers: { close(): Promise<void> }[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sse-sentinel-dispatch-'));
});
afterEach(async () => {
  while (receivers.length) await receivers.pop()!.close();
});

async function denials(count: number, name = 'denials.ndjson'): Promise<string> {
  const template = JSON.parse(await readFile(join(EVENTS, 'kms/Decrypt.other-service-denied.json'), 'utf8'));
  const lines = Array.from({ length: count }, (_, i) => {
    const copy = structuredClone(template);
    copy.detail.eventID = `denial-${String(i).padStart(5, '0')}`;
    copy.detail.eventTime = new Date(Date.parse('2025-01-10T10:00:00Z') + i * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return JSON.stringify(copy);
  });
  const path = join(dir, name);
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}

describe('alert dedup, aggregation, suppression and routing in replay', () => {
  it('1,000 identical kms.access-denied events send one alert carrying the count', async () => {
    const receiver = await startSlackReceiver();
    receivers.push(receiver);
    const { code, stderr } = await runCli(['replay', '--format', 'json', '--slack-webhook', receiver.url, await denials(1000)]);
    expect(code).toBe(0);
    expect(receiver.received).toHaveLength(1);
    const body = receiver.received[0]!.body as { text: string; attachments: { blocks: { text?: { text: string } }[] }[] };
    expect(body.text).toContain('(×1000)');
    expect(JSON.stringify(body.attachments)).toContain('1000 occurrences');
    expect(stderr).toContain('alerts: 1 from 1000 findings (0 suppressed); 1 to slack; 0 delivery failures');
  });

  it('the same eventID twice sends once', async () => {
    const receiver = await startSlackReceiver();
    receivers.push(receiver);
    const file = join(EVENTS, 's3tables/CreateTable.foreign-key.json');
    await runCli(['replay', '--slack-webhook', receiver.url, file, file]);
    expect(receiver.received).toHaveLength(1);
  });

  it('applies suppressions (counted) and warns about expired ones; routes by minimum severity', async () => {
    const receiver = await startSlackReceiver();
    receivers.push(receiver);
    const policy = join(dir, 'policy.yaml');
    await writeFile(policy, [
      'suppressions:',
      '  - rule: "s3tables.encryption-config-read"',
      '    reason: audit scanner reads encryption settings hourly',
      '    owner: secops',
      '    expires: "2099-01-01"',
      '  - rule: "s3tables.table-key-unapproved"',
      '    reason: migration window',
      '    owner: data-platform',
      '    expires: "2020-01-01"',
      'alerts:',
      '  sinks:',
      '    slack:',
      '      minSeverity: HIGH',
    ].join('\n'));
    const { stderr } = await runCli(['replay', '--policy', policy, '--slack-webhook', receiver.url, join(EVENTS, 's3tables')]);
    expect(stderr).toContain('warning: suppressions.1 (migration window; owner data-platform) expired on 2020-01-01 and no longer suppresses');
    expect(stderr).toMatch(/\(2 suppressed\)/);
    const severities = receiver.received.map((r) => /^\[(\w+)\]/.exec((r.body as { text: string }).text)?.[1]);
    expect(severities.length).toBeGreaterThan(3);
    expect(severities.every((s) => s === 'HIGH' || s === 'CRITICAL')).toBe(true);
  });

  it('one failing sink does not stop the other, and replay exits 4 naming the sink', async () => {
    const broken = await startSlackReceiver(Array.from({ length: 50 }, () => (res: import('node:http').ServerResponse) => { res.writeHead(404); res.end('no_service'); }));
    receivers.push(broken);
    const sns = mockClient(SNSClient);
    sns.on(PublishCommand).resolves({ MessageId: 'm' });
    const { code, stderr } = await runCli(['replay', '--slack-webhook', broken.url, '--sns-topic', 'arn:aws:sns:us-east-1:111122223333:alerts', join(EVENTS, 's3tables/DeleteTableBucketEncryption.json')]);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
    sns.restore();
    expect(code).toBe(4);
    expect(stderr).toMatch(/error: slack: alert [0-9a-f]{32}: slack: webhook rejected the message \(404 no_service\)/);
  });
});
