import type { SQSClient } from '@aws-sdk/client-sqs';
import { remediationQueueUrl } from './config.js';
import { RemediationQueue } from './remediation-handoff.js';

let sqs: SQSClient | undefined;

/** The remediator's queue (see remediationQueueUrl); absent under invoke local or when remediation is not deployed. */
export async function deployedRemediationQueue(context?: { invokedFunctionArn?: string }, env: NodeJS.ProcessEnv = process.env): Promise<RemediationQueue | undefined> {
  const url = remediationQueueUrl(env, context);
  if (!url) return undefined;
  if (!sqs) {
    const { SQSClient } = await import('@aws-sdk/client-sqs');
    sqs = new SQSClient({ requestHandler: { requestTimeout: 5000, connectionTimeout: 2000 }, maxAttempts: 4 });
  }
  return new RemediationQueue(sqs, url);
}
