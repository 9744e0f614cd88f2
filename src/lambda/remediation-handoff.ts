import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Finding } from '../alerts/finding.js';
import type { Policy } from '../policy/policy.js';
import { isOwnEvent } from '../remediate/guard.js';
import { remediationModeFor } from '../remediate/mode.js';
import type { StateStore } from '../state/store.js';

export const REMEDIATION_MESSAGE_VERSION = 1;

export interface RemediationRequest {
  version: typeof REMEDIATION_MESSAGE_VERSION;
  finding: Finding;
}

/**
 * The finding marked with its pending remediation (its alert says what follows), when the remediator should see it.
 * Findings about the remediator's own changes never leave the processor.
 */
export function pendingRemediation(finding: Finding, policy: Policy): Finding | undefined {
  const selected = remediationModeFor(finding, policy);
  if (!selected || isOwnEvent(finding, policy)) return undefined;
  return { ...finding, remediation: { action: selected.actionId, mode: selected.mode, outcome: 'pending' } };
}

/** Puts the remediation requests on the remediator's queue (bounded retries there, then its dead-letter queue). */
export class RemediationQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  /**
   * On failure the events' claims are released and the error thrown, so the event is retried whole: a request is never
   * silently lost behind a dedup marker.
   */
  async send(requests: readonly Finding[], store: StateStore): Promise<void> {
    try {
      const { SendMessageCommand } = await import('@aws-sdk/client-sqs');
      for (const finding of requests) {
        const body: RemediationRequest = { version: REMEDIATION_MESSAGE_VERSION, finding };
        await this.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(body) }));
      }
    } catch (error) {
      for (const eventId of new Set(requests.map((f) => f.eventId))) await store.releaseEvent(eventId);
      throw new Error(`remediation hand-off failed: ${(error as Error).name}: ${(error as Error).message}`);
    }
  }
}

/**
 * The processor's step between classifying and alerting: findings with a remediation go to the remediator's queue and
 * come back marked, so their alerts say a remediation follows. Without a queue (invoke local), findings are unchanged.
 */
export async function handOffRemediations(findings: Finding[], policy: Policy, store: StateStore, queue: RemediationQueue | undefined): Promise<Finding[]> {
  if (!queue || findings.length === 0) return findings;
  const requests: Finding[] = [];
  const marked = findings.map((finding) => {
    const request = pendingRemediation(finding, policy);
    if (request) requests.push(request);
    return request ?? finding;
  });
  if (requests.length > 0) await queue.send(requests, store);
  return marked;
}

/** Reads a queue message back; a message that is not a request is an error (retried, then dead-lettered). */
export function parseRemediationRequest(body: string): Finding {
  const value = JSON.parse(body) as Partial<RemediationRequest>;
  const finding = value?.finding;
  if (value?.version !== REMEDIATION_MESSAGE_VERSION || !finding || typeof finding.ruleId !== 'string' || typeof finding.eventId !== 'string' || !Array.isArray(finding.resources)) {
    throw new Error('not a remediation request (version 1 with a finding)');
  }
  return finding;
}
