import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildAlert, type Alert } from '../../src/alerts/alert.js';
import { renderSlack, SLACK_LIMITS } from '../../src/alerts/render-slack.js';
import { SlackDeliveryError, SlackSink } from '../../src/alerts/slack-sink.js';
import { RULES } from '../../src/rules/index.js';
import { RULE_DOCS } from '../../src/rules/docs.js';
import { EVENTS, examplePolicy, replayFiles } from '../helpers.js';
import { startSlackReceiver } from './slack-receiver.js';

const rulesById = new Map(RULES.map((r) => [r.id, r]));
async function alertFor(fixture: string): Promise<Alert> {
  const { findings } = await replayFiles([join(EVENTS, fixture)], await examplePolicy());
  const finding = findings.at(-1)!;
  return buildAlert(finding, rulesById.get(finding.ruleId));
}

/** Every text object in a message, with its type. */
function texts(value: unknown, out: { type: string; text: string }[] = []): { type: string; text: string }[] {
  if (Array.isArray(value)) value.forEach((v) => texts(v, out));
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if ((o['type'] === 'plain_text' || o['type'] === 'mrkdwn') && typeof o['text'] === 'string') out.push({ type: o['type'] as string, text: o['text'] as string });
    Object.values(o).forEach((v) => texts(v, out));
  }
  return out;
}

function hostile(alert: Alert): Alert {
  const evil = '<!channel> <https://evil.example|click here> *bold* <@U123> `code`\nsecond line\u202e\u0007';
  return {
    ...alert,
    summary: `${evil} ${'A'.repeat(10_000)}`,
    actor: { ...alert.actor, principal: `arn:aws:sts::111122223333:assumed-role/R/${evil}`, userAgent: evil, sessionName: evil },
    resources: [`arn:aws:s3:::bucket-${evil}`],
  };
}

const receivers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (receivers.length) await receivers.pop()!.close();
});

describe('Slack rendering', () => {
  it('stays within Block Kit limits for every rule\'s positive fixture', async () => {
    for (const rule of RULES) {
      const fixture = RULE_DOCS[rule.id]!.fixtures.positive.find((f) => f.endsWith('.json'));
      if (!fixture) continue;
      const message = renderSlack(hostile(await alertFor(fixture)));
      const blocks = message.attachments[0]!.blocks!;
      expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
      for (const block of blocks as { type: string; fields?: unknown[]; text?: { text: string } }[]) {
        if (block.type === 'header') expect(block.text!.text.length).toBeLessThanOrEqual(SLACK_LIMITS.header);
        if (block.fields) expect(block.fields.length).toBeLessThanOrEqual(SLACK_LIMITS.fields);
      }
      for (const t of texts(message)) expect(t.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallback);
    }
  });

  it('renders hostile event values harmlessly', async () => {
    const message = renderSlack(hostile(await alertFor('s3tables/CreateTable.foreign-key.json')));
    // the fallback is mrkdwn: no raw control sequences survive
    expect(message.text).not.toMatch(/<[!@#]|<https?:/);
    expect(message.text).toContain('&lt;!channel&gt;');
    expect(message.text).not.toMatch(/(^|[^\u200b])\*bold\*/);
    // everything else is plain_text, which Slack shows literally; no control characters or newlines from events
    for (const t of texts(message.attachments)) {
      expect(t.type).toBe('plain_text');
      expect(t.text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u202e]/);
    }
    const all = JSON.stringify(message);
    expect(all).not.toContain('A'.repeat(SLACK_LIMITS.sectionText + 1));
  });

  it('shows severity, the correlated resources, the blast radius and link buttons', async () => {
    const message = renderSlack(await alertFor('scenarios/key-blast-radius/11-ScheduleKeyDeletion.json'));
    expect(message.attachments[0]!.color).toBe('#ad0614');
    const all = texts(message).map((t) => t.text).join('\n');
    expect(all).toContain('HIGH · KMS key scheduled for deletion');
    const actions = (message.attachments[0]!.blocks as { type: string; elements?: { url: string }[] }[]).find((b) => b.type === 'actions');
    expect(actions?.elements?.map((e) => e.url)).toEqual(expect.arrayContaining([expect.stringMatching(/^https:\/\/us-east-1\.console\.aws\.amazon\.com\/kms\/home/)]));
  });
});

describe('Slack sink against a real HTTP receiver on loopback', () => {
  const fast = { sleep: async () => {}, random: () => 0.5, baseDelayMs: 10 };

  it('posts valid JSON Block Kit', async () => {
    const receiver = await startSlackReceiver();
    receivers.push(receiver);
    await new SlackSink(receiver.url, fast).send(await alertFor('s3tables/PutTableBucketEncryption.foreign-key.json'));
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.headers['content-type']).toBe('application/json');
    expect(receiver.received[0]!.body).toMatchObject({ text: expect.stringContaining('[CRITICAL]'), attachments: [{ color: '#7b0000' }] });
  });

  it('honours Retry-After on 429 and retries 500', async () => {
    const waits: number[] = [];
    const receiver = await startSlackReceiver([
      (res) => { res.writeHead(429, { 'retry-after': '2' }); res.end('rate_limited'); },
      (res) => { res.writeHead(500); res.end('oops'); },
    ]);
    receivers.push(receiver);
    await new SlackSink(receiver.url, { ...fast, sleep: async (ms) => { waits.push(ms); } }).send(await alertFor('s3/DeleteBucketEncryption.after-kms.json'));
    expect(receiver.received).toHaveLength(3);
    expect(waits).toEqual([2000, 10]); // Retry-After, then exponential back-off with jitter (0.5 × 10 ms × 2)
  });

  it('does not retry a 404 and names the sink, not the secret URL', async () => {
    const receiver = await startSlackReceiver([(res) => { res.writeHead(404); res.end('no_service'); }]);
    receivers.push(receiver);
    const error = await new SlackSink(receiver.url, fast).send(await alertFor('s3/DeleteBucketEncryption.after-kms.json')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackDeliveryError);
    expect((error as SlackDeliveryError).retryable).toBe(false);
    expect((error as Error).message).toMatch(/^slack: webhook rejected the message \(404 no_service\)/);
    expect((error as Error).message).not.toContain('secret-token');
    expect(receiver.received).toHaveLength(1);
  });

  it('times out on a receiver that never answers, and gives up after the attempts', async () => {
    const receiver = await startSlackReceiver(Array.from({ length: 2 }, () => () => { /* never answers */ }));
    receivers.push(receiver);
    const started = Date.now();
    const error = await new SlackSink(receiver.url, { ...fast, timeoutMs: 200, attempts: 2 }).send(await alertFor('s3/DeleteBucketEncryption.after-kms.json')).catch((e: unknown) => e);
    expect((error as Error).message).toBe('slack: no answer within 200 ms after 2 attempts');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
