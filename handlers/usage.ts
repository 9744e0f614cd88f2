import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { Finding } from '../src/alerts/finding.js';
import { alertTopicArn, loadDeployedPolicy } from '../src/lambda/config.js';
import { eventsIn, processItems, readEnvelope } from '../src/lambda/process-envelope.js';
import { deployedSinks, publishFindings } from '../src/lambda/publish.js';
import { Pipeline } from '../src/pipeline.js';
import { PostureCache } from '../src/lambda/posture-cache.js';
import { logFindings, logPostureReads } from '../src/doctor/metrics.js';
import { deployedStore } from '../src/lambda/store.js';
import type { Policy } from '../src/policy/policy.js';
import type { StateStore } from '../src/state/store.js';

const policyReady = loadDeployedPolicy();
const storeReady = deployedStore();
/** Checked against the posture revision at most once a minute per execution environment, scanned when it moved (see PostureCache). */
const posture = new PostureCache();

/**
 * KMS data-key events, buffered through SQS and handled in batches: each message is one EventBridge event. The batch's
 * counters are saved once (one atomic ADD per counter, however many of the batch's events it counted). A message that
 * cannot be read or whose alerts cannot be published is reported in batchItemFailures, so only it is retried (and,
 * after the queue's maxReceiveCount, dead-lettered); if the save fails, every message of the batch is.
 */
export async function handler(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  const store = await storeReady;
  const policy = await policyReady;
  // one ledger kept between batches (see PostureCache.lease), a batch's counters read afresh
  const response = await posture.withLease(store, 'cached', async (ledger) => judgeBatch(event, context, policy, store, await Pipeline.create({ policy, store, ledger })));
  logPostureReads(posture, context?.awsRequestId);
  return response;
}

/** The batch through the pipeline, saved once, its alerts published; `saved` tells whether its state was. */
async function judgeBatch(event: SQSEvent, context: Context | undefined, policy: Policy, store: StateStore, pipeline: Pipeline): Promise<{ value: SQSBatchResponse; saved: boolean }> {
  const failures: { itemIdentifier: string }[] = [];
  const processed: { messageId: string; findings: Finding[] }[] = [];
  const fail = (messageId: string, reason: string): void => {
    failures.push({ itemIdentifier: messageId });
    console.log(JSON.stringify({ level: 'ERROR', message: 'usage record failed', messageId, reason }));
  };
  const batch = event.Records.map((record) => {
    try {
      return { messageId: record.messageId, items: readEnvelope(JSON.parse(record.body)) };
    } catch (error) {
      return { messageId: record.messageId, unreadable: (error as Error).message };
    }
  });
  const events = eventsIn(batch.flatMap((message) => message.items ?? []));
  // the batch's counters in a few BatchGetItem calls and its claims in flight together, instead of a round trip per
  // counter and per record as records are judged
  await pipeline.prepare(events);
  for (const message of batch) {
    try {
      if (!message.items) throw new Error(message.unreadable);
      processed.push({ messageId: message.messageId, findings: (await processItems(message.items, pipeline, { save: false })).findings });
    } catch (error) {
      fail(message.messageId, (error as Error).message);
    }
  }
  // a message that failed before its events were judged: its retry must find them unclaimed
  await pipeline.releaseUnjudged();
  try {
    await pipeline.save();
  } catch (error) {
    for (const { messageId } of processed) fail(messageId, `state not saved: ${(error as Error).message}`);
    return { value: { batchItemFailures: failures }, saved: false };
  }
  const findings = processed.flatMap((p) => p.findings);
  logFindings(findings, context?.awsRequestId);
  const sinks = findings.length ? await deployedSinks(alertTopicArn(process.env, context)) : [];
  for (const { messageId, findings: some } of processed) {
    if (some.length === 0) continue;
    try {
      await publishFindings(some, sinks, store, policy);
    } catch (error) {
      fail(messageId, (error as Error).message);
    }
  }
  console.log(JSON.stringify({
    level: 'INFO',
    message: 'usage batch',
    requestId: context?.awsRequestId,
    records: event.Records.length,
    failed: failures.length,
    findings: findings.map((f) => ({ ruleId: f.ruleId, severity: f.severity, eventId: f.eventId })),
  }));
  return { value: { batchItemFailures: failures }, saved: true };
}
