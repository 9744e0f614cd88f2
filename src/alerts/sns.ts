import type { PublishCommandInput } from '@aws-sdk/client-sns';
import type { Alert } from './alert.js';
import { clean } from './sanitize.js';

const SUBJECT_LIMIT = 99;
/** SNS counts the body and the attributes against 256 KiB; keep headroom for attributes and JSON escaping. */
export const SNS_BODY_LIMIT = 240 * 1024;
const TRUNCATABLE: (keyof Alert)[] = ['previous', 'current', 'runbook', 'blastRadius'];

/** SNS Subject: under 100 characters, no line breaks or control characters. */
export function snsSubject(alert: Pick<Alert, 'severity' | 'title'>): string {
  return clean(`[${alert.severity}] ${alert.title}`, SUBJECT_LIMIT);
}

/** The JSON body, with the largest parts replaced by a note when the whole would not fit (the links lead to the event). */
export function snsBody(alert: Alert): string {
  let body = JSON.stringify(alert);
  if (Buffer.byteLength(body) <= SNS_BODY_LIMIT) return body;
  const trimmed: Alert = { ...alert, truncated: [...(alert.truncated ?? [])] };
  const bySize = [...TRUNCATABLE].sort((a, b) => JSON.stringify(alert[b] ?? '').length - JSON.stringify(alert[a] ?? '').length);
  for (const part of bySize) {
    if (trimmed[part] === undefined) continue;
    (trimmed as unknown as Record<string, unknown>)[part] = `[truncated: ${Buffer.byteLength(JSON.stringify(alert[part]))} bytes; see the CloudTrail event]`;
    trimmed.truncated!.push(part);
    body = JSON.stringify(trimmed);
    if (Buffer.byteLength(body) <= SNS_BODY_LIMIT) return body;
  }
  trimmed.resources = trimmed.resources.slice(0, 20);
  trimmed.truncated!.push('resources');
  return JSON.stringify(trimmed);
}

/**
 * The Publish request for one alert: a versioned JSON body, attributes subscribers can filter on (severity,
 * severityScore, ruleId, account, eventSource), and for FIFO topics a group per resource and a deduplication id
 * from the alert id (a retried event is dropped by SNS itself).
 */
export function snsPublishInput(topicArn: string, alert: Alert): PublishCommandInput {
  const input: PublishCommandInput = {
    TopicArn: topicArn,
    Subject: snsSubject(alert),
    Message: snsBody(alert),
    MessageAttributes: {
      severity: { DataType: 'String', StringValue: alert.severity },
      severityScore: { DataType: 'Number', StringValue: String(alert.severityScore) },
      ruleId: { DataType: 'String', StringValue: alert.ruleId },
      account: { DataType: 'String', StringValue: alert.account || 'unknown' },
      eventSource: { DataType: 'String', StringValue: alert.eventSource },
    },
  };
  if (topicArn.endsWith('.fifo')) {
    input.MessageGroupId = clean(alert.resources[0] ?? alert.dedupKey, 128);
    input.MessageDeduplicationId = alert.alertId;
  }
  return input;
}

/** SNS client settings for alert delivery: every call times out instead of hanging the invocation. */
export const SNS_CLIENT_TIMEOUTS = { requestHandler: { requestTimeout: 5000, connectionTimeout: 2000 }, maxAttempts: 4 } as const;

/** One SNS Publish call: the SDK client's (sns-sdk.ts) or the signed Query call used on Lambda cold starts (sns-query.ts). */
export type SnsPublish = (input: PublishCommandInput) => Promise<void>;

export class SnsSink {
  readonly name = 'sns';
  constructor(private readonly publish: SnsPublish, private readonly topicArn: string) {}

  async send(alert: Alert): Promise<void> {
    await this.publish(snsPublishInput(this.topicArn, alert));
  }
}
