import type { Context, EventBridgeEvent } from 'aws-lambda';
import { alertTopicArn, loadDeployedPolicy } from '../src/lambda/config.js';
import { eventsIn, processItems, readEnvelope, type EnvelopeResult } from '../src/lambda/process-envelope.js';
import { deployedSinks, publishFindings } from '../src/lambda/publish.js';
import { Pipeline } from '../src/pipeline.js';
import { PostureCache, readsCachedPosture } from '../src/lambda/posture-cache.js';
import { deployedStore } from '../src/lambda/store.js';
import { deployedRemediationQueue } from '../src/lambda/remediation-config.js';
import { handOffRemediations } from '../src/lambda/remediation-handoff.js';
import { isHeartbeat, recordHeartbeat } from '../src/doctor/heartbeat.js';
import { emfLine, logFindings, logPostureReads } from '../src/doctor/metrics.js';

// Cold start: the policy is validated once. The store is the DynamoDB state table (memory under invoke local):
// management events see the posture as every execution environment left it (the copy kept here while the state
// table's posture revision holds, else a scan); data events read a copy checked against it at most a minute ago (PostureCache).
const policyReady = loadDeployedPolicy();
const storeReady = deployedStore();
const posture = new PostureCache();

/** One EventBridge event per invocation: throw to have Lambda retry it and then send it to the failure destination. */
export async function handler(event: EventBridgeEvent<string, unknown>, context?: Context): Promise<EnvelopeResult> {
  const policy = await policyReady;
  const store = await storeReady;
  if (isHeartbeat(event, process.env['HEARTBEAT_PARAMETER'])) {
    await recordHeartbeat(store, Date.now());
    console.log(emfLine('HeartbeatsReceived', 1, process.env['SSE_SENTINEL_STAGE'] ?? 'dev', { level: 'INFO', message: 'heartbeat', requestId: context?.awsRequestId }));
    return { findings: [], duplicates: 0, skipped: ['sse-sentinel heartbeat'] };
  }
  const items = readEnvelope(event);
  // data events read a copy checked up to a minute ago; management events the posture as every writer left it
  const kind = readsCachedPosture(event) ? 'cached' : 'current';
  const result = await posture.withLease(store, kind, async (ledger) => {
    const pipeline = await Pipeline.create({ policy, store, ledger, claimWhileLoading: eventsIn(items) });
    // processItems saves before it answers
    return { value: await processItems(items, pipeline), saved: true };
  });
  logPostureReads(posture, context?.awsRequestId);
  logFindings(result.findings, context?.awsRequestId);
  if (result.findings.length) {
    result.findings = await handOffRemediations(result.findings, policy, store, await deployedRemediationQueue(context));
    await publishFindings(result.findings, await deployedSinks(alertTopicArn(process.env, context)), store, policy);
  }
  // log ids and classification only: event payloads can carry policies, key ids and IPs
  console.log(JSON.stringify({
    level: 'INFO',
    message: 'processed',
    requestId: context?.awsRequestId,
    envelopeId: (event as { id?: string }).id,
    findings: result.findings.map((f) => ({ ruleId: f.ruleId, severity: f.severity, eventId: f.eventId, resources: f.resources, ...(f.remediation ? { remediation: f.remediation } : {}) })),
    duplicates: result.duplicates,
    skipped: result.skipped,
  }));
  return result;
}
