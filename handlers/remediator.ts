import { SSMClient } from '@aws-sdk/client-ssm';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { alertTopicArn, loadDeployedPolicy } from '../src/lambda/config.js';
import { readKillSwitch } from '../src/lambda/kill-switch.js';
import { deployedSinks, publishFindings } from '../src/lambda/publish.js';
import { parseRemediationRequest } from '../src/lambda/remediation-handoff.js';
import { deployedStore } from '../src/lambda/store.js';
import { regionalClients } from '../src/remediate/clients.js';
import { outcomeFinding } from '../src/remediate/outcome-finding.js';
import { onceKey, remediate } from '../src/remediate/remediate.js';

const policyReady = loadDeployedPolicy();
const storeReady = deployedStore();
const clients = regionalClients();
let ssm: SSMClient | undefined;

/**
 * Remediation requests from the processor, through SQS. Every outcome is logged and alerted; a retryable failure (or an
 * outcome alert that could not be delivered) is reported in batchItemFailures, so the queue retries it a bounded number
 * of times and then dead-letters it.
 */
export async function handler(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  const policy = await policyReady;
  const store = await storeReady;
  ssm ??= new SSMClient({ requestHandler: { requestTimeout: 3000, connectionTimeout: 2000 } });
  // invoke local never reads or changes AWS: every action is an offline dry run
  const local = Boolean(process.env['IS_LOCAL']);
  const killSwitch = local ? { on: true, reason: 'invoke local' } : await readKillSwitch(ssm, process.env['REMEDIATION_KILL_SWITCH_PARAMETER']);
  const sinks = await deployedSinks(alertTopicArn(process.env, context));
  const failures: { itemIdentifier: string }[] = [];
  const ownAccount = context?.invokedFunctionArn?.split(':')[4];
  for (const record of event.Records) {
    try {
      const finding = parseRemediationRequest(record.body);
      const outcome = await remediate(finding, { policy, store, ...(local ? {} : { clients }), killSwitch: killSwitch.on, ...(ownAccount ? { ownAccount } : {}) });
      // ids, calls and outcome only: the finding's event fields stay out of the log
      console.log(JSON.stringify({
        level: outcome?.kind === 'failed' ? 'ERROR' : 'INFO',
        message: 'remediation',
        requestId: context?.awsRequestId,
        eventId: finding.eventId,
        ruleId: finding.ruleId,
        killSwitch: killSwitch.on ? killSwitch.reason : undefined,
        outcome: outcome ? { action: outcome.actionId, mode: outcome.mode, outcome: outcome.outcome, resource: outcome.resource, calls: outcome.calls.map((c) => `${c.service}:${c.operation}`) } : 'duplicate: already remediated for this event',
      }));
      if (!outcome) continue;
      await publishFindings([outcomeFinding(finding, outcome)], sinks, store, policy, [onceKey(finding, outcome.actionId)]);
      if (outcome.kind === 'failed' && outcome.retryable) failures.push({ itemIdentifier: record.messageId });
    } catch (error) {
      failures.push({ itemIdentifier: record.messageId });
      console.log(JSON.stringify({ level: 'ERROR', message: 'remediation request failed', messageId: record.messageId, reason: (error as Error).message }));
    }
  }
  return { batchItemFailures: failures };
}
