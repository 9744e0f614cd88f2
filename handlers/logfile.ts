import { S3Client } from '@aws-sdk/client-s3';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { alertTopicArn, loadDeployedPolicy } from '../src/lambda/config.js';
import { objectsOf, processLogObject, type LogFileResult } from '../src/lambda/logfile.js';
import { deployedSinks, publishFindings } from '../src/lambda/publish.js';
import { deployedStore } from '../src/lambda/store.js';
import { deployedRemediationQueue } from '../src/lambda/remediation-config.js';
import { handOffRemediations } from '../src/lambda/remediation-handoff.js';
import { Pipeline } from '../src/pipeline.js';
import { PostureCache } from '../src/lambda/posture-cache.js';
import { logFindings, logPostureReads } from '../src/doctor/metrics.js';

const policyReady = loadDeployedPolicy();
const storeReady = deployedStore();
/** The posture as every execution environment left it: kept while the state table's posture revision holds. */
const posture = new PostureCache();
let s3: S3Client | undefined;

/**
 * A CloudTrail log object landed in the trail bucket (S3's "Object Created" event through EventBridge): replay it,
 * for backfill and for data events the trail records but EventBridge rules did not select. Unreadable records fail
 * the invocation after the rest was processed, so the object is retried and finally dead-lettered.
 */
export async function handler(event: EventBridgeEvent<'Object Created', { bucket?: { name?: string }; object?: { key?: string } }>, context?: Context): Promise<LogFileResult[]> {
  const client = (s3 ??= new S3Client({ followRegionRedirects: true }));
  const policy = await policyReady;
  const store = await storeReady;
  const results: LogFileResult[] = [];
  for (const object of objectsOf(event)) {
    // processLogObject saves before it answers
    const result = await posture.withLease(store, 'current', async (ledger) => ({ value: await processLogObject(client, object, await Pipeline.create({ policy, store, ledger })), saved: true }));
    logPostureReads(posture, context?.awsRequestId);
    logFindings(result.findings, context?.awsRequestId);
    result.findings = await handOffRemediations(result.findings, policy, store, await deployedRemediationQueue(context));
    await publishFindings(result.findings, await deployedSinks(alertTopicArn(process.env, context)), store, policy);
    results.push(result);
    console.log(JSON.stringify({ level: result.errors.length ? 'ERROR' : 'INFO', message: 'log object', requestId: context?.awsRequestId, object: result.object, records: result.records, findings: result.findings.length, duplicates: result.duplicates, errors: result.errors.slice(0, 10), skipped: result.skipped }));
    if (result.errors.length) throw new Error(`${result.object}: ${result.errors.length} unreadable records, first: ${result.errors[0]}`);
  }
  return results;
}
