import { SNSClient } from '@aws-sdk/client-sns';
import { buildAlert } from '../alerts/alert.js';
import type { AlertSink } from '../alerts/deliver.js';
import type { Finding } from '../alerts/finding.js';
import { SlackSink } from '../alerts/slack-sink.js';
import { SnsSink } from '../alerts/sns.js';
import { SEVERITY_ORDER } from '../alerts/finding.js';
import { globToRegExp, type Policy } from '../policy/policy.js';
import { RULES } from '../rules/index.js';
import type { StateStore } from '../state/store.js';
import { slackWebhookUrl } from './secrets.js';

let sns: SNSClient | undefined;
const RULES_BY_ID = new Map(RULES.map((rule) => [rule.id, rule]));

export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
}

/** The sinks configured for this function: the alert topic, and Slack when its webhook parameter holds a URL. */
export async function deployedSinks(topicArn: string | undefined): Promise<AlertSink[]> {
  const sinks: AlertSink[] = [];
  if (topicArn) {
    sns ??= new SNSClient({});
    sinks.push(new SnsSink(sns, topicArn));
  }
  const webhook = await slackWebhookUrl();
  if (webhook) sinks.push(new SlackSink(webhook, { timeoutMs: 5000, attempts: 3 }));
  return sinks;
}

function routed(policy: Policy | undefined, sink: AlertSink, ruleId: string, severity: Finding['severity']): boolean {
  const route = policy?.document.alerts.sinks[sink.name];
  if (!route) return true;
  if (SEVERITY_ORDER[severity] < SEVERITY_ORDER[route.minSeverity]) return false;
  if (route.include && !route.include.some((g) => globToRegExp(g).test(ruleId))) return false;
  return !route.exclude?.some((g) => globToRegExp(g).test(ruleId));
}

/**
 * Sends each finding's alert to every sink. A delivery marker per (sink, alert) makes a retried event skip the sinks
 * that already have it; a sink failure does not stop the others. If any sink failed, the events' claims are
 * released and the invocation fails, so Lambda (or the queue) retries and finally dead-letters it.
 */
export async function publishFindings(findings: readonly Finding[], sinks: readonly AlertSink[], store: StateStore, policy?: Policy): Promise<void> {
  const failures: string[] = [];
  for (const finding of findings) {
    const alert = buildAlert(finding, RULES_BY_ID.get(finding.ruleId));
    for (const sink of sinks) {
      if (!routed(policy, sink, alert.ruleId, alert.severity)) continue;
      const marker = `delivered|${sink.name}|${alert.alertId}`;
      if (!(await store.claimEvent(marker, Date.now()))) continue;
      try {
        await sink.send(alert);
      } catch (error) {
        await store.releaseEvent(marker);
        failures.push(`${sink.name}: ${(error as Error).message}`);
      }
    }
  }
  if (failures.length === 0) return;
  for (const eventId of new Set(findings.map((f) => f.eventId))) await store.releaseEvent(eventId);
  throw new DeliveryError(`alert delivery failed: ${failures.join('; ')}`);
}
