import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { Finding } from '../src/alerts/finding.js';
import { alertTopicArn, loadDeployedPolicy } from '../src/lambda/config.js';
import { processEnvelope } from '../src/lambda/process-envelope.js';
import { deployedSinks, publishFindings } from '../src/lambda/publish.js';
import { Pipeline } from '../src/pipeline.js';
import { deployedStore } from '../src/lambda/store.js';

const policyReady = loadDeployedPolicy();
const storeReady = deployedStore();

/**
 * KMS data-key events, buffered through SQS and handled in batches: each message is one EventBridge event. A message
 * that cannot be read or whose alerts cannot be published is reported in batchItemFailures, so only it is retried
 * (and, after the queue's maxReceiveCount, dead-lettered); the rest of the batch completes.
 */
export async function handler(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  const store = await storeReady;
  const pipeline = await Pipeline.create({ policy: await policyReady, store });
  const sinks = await deployedSinks(alertTopicArn(process.env, context));
  const policy = await policyReady;
  const failures: { itemIdentifier: string }[] = [];
  const findings: Finding[] = [];
  for (const record of event.Records) {
    try {
      const result = await processEnvelope(JSON.parse(record.body), pipeline);
      await publishFindings(result.findings, sinks, store, policy);
      findings.push(...result.findings);
    } catch (error) {
      failures.push({ itemIdentifier: record.messageId });
      console.log(JSON.stringify({ level: 'ERROR', message: 'usage record failed', messageId: record.messageId, reason: (error as Error).message }));
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
  return { batchItemFailures: failures };
}
