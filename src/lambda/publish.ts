import { SNSClient } from '@aws-sdk/client-sns';
import type { Finding } from '../alerts/finding.js';
import { publishFinding } from '../alerts/sns.js';
import type { StateStore } from '../state/store.js';

let sns: SNSClient | undefined;

/**
 * Publishes findings to the alert topic. When publishing fails, the events' dedup claims are released so that the
 * retry (Lambda's, or the queue's redelivery) processes them again instead of dropping them as duplicates.
 */
export async function publishFindings(findings: readonly Finding[], topicArn: string | undefined, store: StateStore): Promise<void> {
  if (!topicArn || findings.length === 0) return;
  sns ??= new SNSClient({});
  try {
    for (const finding of findings) await publishFinding(sns, topicArn, finding);
  } catch (error) {
    for (const eventId of new Set(findings.map((f) => f.eventId))) await store.releaseEvent(eventId);
    throw error;
  }
}
