import { buildAlert, type Alert } from '../alerts/alert.js';
import { dedupWindowMs, routes, type AlertSink } from '../alerts/deliver.js';
import type { Finding } from '../alerts/finding.js';
import type { Policy } from '../policy/policy.js';
import { RULES } from '../rules/index.js';
import { DEDUP_TTL_MS, type StateStore } from '../state/store.js';
import type { SnsPublish, SnsSink } from '../alerts/sns.js';
import { parseArn } from '../correlate/arn.js';
import { environmentCredentials } from './environment-credentials.js';
import { slackWebhookUrl } from './secrets.js';

let publish: ({ topicArn: string } & SnsParts) | undefined;
const RULES_BY_ID = new Map(RULES.map((rule) => [rule.id, rule]));

export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
}

/** The sinks configured for this function: the alert topic, and Slack when its webhook parameter holds a URL. */
export async function deployedSinks(topicArn: string | undefined): Promise<AlertSink[]> {
  const sinks: AlertSink[] = [];
  // loaded on first use: an invocation without findings never pays for it
  if (topicArn) {
    if (publish?.topicArn !== topicArn) publish = { topicArn, ...(await snsParts(topicArn, process.env)) };
    sinks.push(new publish.Sink(publish.send, topicArn));
  }
  const webhook = await slackWebhookUrl();
  if (webhook) {
    const { SlackSink } = await import('../alerts/slack-sink.js');
    sinks.push(new SlackSink(webhook, { timeoutMs: 5000, attempts: 3 }));
  }
  return sinks;
}

/**
 * Lambda puts the function's credentials in the environment: then alerts go out as signed Query calls (~10 ms on a
 * cold start instead of ~40 ms to load the SNS client). Any other credential source or endpoint uses the SDK client.
 */
export async function snsPublisher(topicArn: string, env: NodeJS.ProcessEnv): Promise<SnsPublish> {
  return (await snsParts(topicArn, env)).send;
}

interface SnsParts {
  send: SnsPublish;
  /** The sink class, from the module the publisher came from (the Query path's module carries it: one file to load). */
  Sink: typeof SnsSink;
}

async function snsParts(topicArn: string, env: NodeJS.ProcessEnv): Promise<SnsParts> {
  const credentials = environmentCredentials(env);
  const region = parseArn(topicArn)?.region;
  if (credentials && region) {
    const { queryPublish, snsEndpoint, SnsSink: Sink } = await import('../alerts/sns-query.js');
    const endpoint = snsEndpoint(region, env);
    if (endpoint) return { send: queryPublish(region, { endpoint, credentials }), Sink };
  }
  const [{ SNSClient }, { sdkPublish }, { SNS_CLIENT_TIMEOUTS, SnsSink: Sink }] = await Promise.all([import('@aws-sdk/client-sns'), import('../alerts/sns-sdk.js'), import('../alerts/sns.js')]);
  return { send: sdkPublish(new SNSClient({ ...SNS_CLIENT_TIMEOUTS, ...(region ? { region } : {}) })), Sink };
}

/**
 * Sends each finding's alert to every sink. A delivery marker per (sink, alert) makes a retried event skip the sinks
 * that already have it; a sink failure does not stop the others. If any sink failed, the events' claims are
 * released and the invocation fails, so Lambda (or the queue) retries and finally dead-letters it.
 */
export async function publishFindings(
  findings: readonly Finding[],
  sinks: readonly AlertSink[],
  store: StateStore,
  policy?: Policy,
  /** The claims a retry must find free; by default the findings' event ids (the remediator passes its own markers). */
  claimsToRelease: readonly string[] = findings.map((f) => f.eventId),
): Promise<void> {
  // no sink (invoke local, or a deployment without a topic and Slack): no window to open, no alert to build
  if (sinks.length === 0) return;
  const failures: string[] = [];
  for (const finding of findings) {
    const alert = await windowedAlert(finding, store, policy);
    if (!alert) continue;
    let delivered = true;
    for (const sink of sinks) {
      if (!routes(policy, sink.name, alert)) continue;
      const marker = `delivered|${sink.name}|${alert.alertId}`;
      if (!(await store.claimEvent(marker, Date.now()))) continue;
      try {
        await sink.send(alert);
      } catch (error) {
        delivered = false;
        await store.releaseEvent(marker);
        failures.push(`${sink.name}: ${(error as Error).message}`);
      }
    }
    // a window whose first alert did not get out stays open for the retry
    if (!delivered) await store.releaseEvent(windowKey(finding, policy));
  }
  if (failures.length === 0) return;
  for (const claim of new Set(claimsToRelease)) await store.releaseEvent(claim);
  throw new DeliveryError(`alert delivery failed: ${failures.join('; ')}`);
}

/** At least a minute: a window of 0 would make every finding its own window. */
function alertWindowMs(finding: Finding, policy?: Policy): number {
  return Math.max(60_000, dedupWindowMs(policy, finding.ruleId));
}

function windowStart(finding: Finding, policy?: Policy): number {
  const size = alertWindowMs(finding, policy);
  return Math.floor((Date.parse(finding.eventTime) || 0) / size) * size;
}

function windowKey(finding: Finding, policy?: Policy, start = windowStart(finding, policy)): string {
  return `alert-window|${finding.ruleId}|${finding.dedupKey}|${start}`;
}

/**
 * The first finding of a (rule, dedup key) in its window becomes an alert (telling how many repeats the previous
 * window counted); later ones in the window are only counted. Claims and counters live in the state store, so this
 * holds across invocations and execution environments.
 */
async function windowedAlert(finding: Finding, store: StateStore, policy?: Policy): Promise<Alert | undefined> {
  const start = windowStart(finding, policy);
  const size = alertWindowMs(finding, policy);
  const now = Date.now();
  if (!(await store.claimEvent(windowKey(finding, policy, start), now))) {
    await store.incrementCounter(`repeats|${windowKey(finding, policy, start)}`, now, size + DEDUP_TTL_MS);
    return undefined;
  }
  const alert = buildAlert(finding, RULES_BY_ID.get(finding.ruleId));
  const previous = await store.readCounter(`repeats|${windowKey(finding, policy, start - size)}`, now);
  if (previous > 0) alert.repeatsSince = { count: previous, since: new Date(start - size).toISOString().replace(/\.\d{3}Z$/, 'Z') };
  return alert;
}
