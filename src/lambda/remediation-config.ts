import { SQSClient } from '@aws-sdk/client-sqs';
import { remediationQueueUrl } from './config.js';
import { RemediationQueue } from './remediation-handoff.js';

let sqs: SQSClient | undefined;

/** The remediator's queue (see remediationQueueUrl); absent under invoke local or when remediation is not deployed. */
export function deployedRemediationQueue(context?: { invokedFunctionArn?: string }, env: NodeJS.ProcessEnv = process.env): RemediationQueue | undefined {
  const url = remediationQueueUrl(env, context);
  if (!url) return undefined;
  sqs ??= new SQSClient({ requestHandler: { requestTimeout: 5000, connectionTimeout: 2000 }, maxAttempts: 4 });
  return new RemediationQueue(sqs, url);
}
