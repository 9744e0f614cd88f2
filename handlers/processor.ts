import { SNSClient } from '@aws-sdk/client-sns';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { publishFinding } from '../src/alerts/sns.js';
import { alertTopicArn, loadDeployedPolicy } from '../src/lambda/config.js';
import { processEnvelope, type EnvelopeResult } from '../src/lambda/process-envelope.js';
import { Pipeline } from '../src/pipeline.js';
import { MemoryStateStore } from '../src/state/memory.js';

// Cold start: the policy is validated once; the in-memory store lives as long as the execution environment
// (the DynamoDB store replaces it in the deployment issue).
const policyReady = loadDeployedPolicy();
const store = new MemoryStateStore();
let sns: SNSClient | undefined;

export async function handler(event: EventBridgeEvent<string, unknown>, context?: Context): Promise<EnvelopeResult> {
  const pipeline = await Pipeline.create({ policy: await policyReady, store });
  const result = await processEnvelope(event, pipeline);
  const topicArn = alertTopicArn(process.env, context);
  if (topicArn && result.findings.length > 0) {
    sns ??= new SNSClient({});
    try {
      for (const finding of result.findings) await publishFinding(sns, topicArn, finding);
    } catch (error) {
      // let Lambda's retry process the event again instead of dropping it as a duplicate
      for (const eventId of new Set(result.findings.map((f) => f.eventId))) await store.releaseEvent(eventId);
      throw error;
    }
  }
  // log ids and classification only: event payloads can carry policies, key ids and IPs
  console.log(JSON.stringify({
    level: 'INFO',
    message: 'processed',
    requestId: context?.awsRequestId,
    envelopeId: (event as { id?: string }).id,
    findings: result.findings.map((f) => ({ ruleId: f.ruleId, severity: f.severity, eventId: f.eventId, resources: f.resources })),
    duplicates: result.duplicates,
    skipped: result.skipped,
  }));
  return result;
}
