import { SNSClient } from '@aws-sdk/client-sns';
import { buildAlert } from '../alerts/alert.js';
import type { Finding } from '../alerts/finding.js';
import { SnsSink } from '../alerts/sns.js';
import { RULES } from '../rules/index.js';
import type { StateStore } from '../state/store.js';

let sns: SNSClient | undefined;
const RULES_BY_ID = new Map(RULES.map((rule) => [rule.id, rule]));

/**
 * Publishes findings as alerts to the alert topic. When publishing fails, the events' dedup claims are released so
 * that the retry (Lambda's, or the queue's redelivery) processes them again instead of dropping them as duplicates.
 */
export async function publishFindings(findings: readonly Finding[], topicArn: string | undefined, store: StateStore): Promise<void> {
  if (!topicArn || findings.length === 0) return;
  sns ??= new SNSClient({});
  const sink = new SnsSink(sns, topicArn);
  try {
    for (const finding of findings) await sink.send(buildAlert(finding, RULES_BY_ID.get(finding.ruleId)));
  } catch (error) {
    for (const eventId of new Set(findings.map((f) => f.eventId))) await store.releaseEvent(eventId);
    throw error;
  }
}
