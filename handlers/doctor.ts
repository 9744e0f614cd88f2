import type { Context, ScheduledEvent } from 'aws-lambda';
import { emfLine } from '../src/doctor/metrics.js';
import { configuredTrailBucket, EXPECTED_RULE_COUNT, HEARTBEAT_MAX_AGE_MS } from '../src/doctor/expected.js';
import type { CheckResult } from '../src/doctor/checks.js';
import { loadDeployedPolicy } from '../src/lambda/config.js';
import { deployedStore } from '../src/lambda/store.js';

const policyReady = loadDeployedPolicy();
const storeReady = deployedStore();

/**
 * Scheduled self-check: sends the heartbeat (a harmless PutParameter whose CloudTrail event must come back through
 * EventBridge to the processor), then checks the trail, data events, the log-file path, rules, functions, the
 * organization's bus permission, Slack secret and the last heartbeat. Failed checks are counted in the
 * SelfCheckFailures metric, which an alarm watches.
 */
export async function handler(_event: ScheduledEvent, context?: Context): Promise<CheckResult[]> {
  const { doctorClients, runDoctor } = await import('../src/doctor/run.js');
  const { PutParameterCommand } = await import('@aws-sdk/client-ssm');
  const stage = process.env['SSE_SENTINEL_STAGE'] ?? 'dev';
  const clients = doctorClients();
  const heartbeat = process.env['HEARTBEAT_PARAMETER'];
  const trailBucket = configuredTrailBucket(process.env);
  const results: CheckResult[] = [];
  if (heartbeat) {
    try {
      await clients.ssm.send(new PutParameterCommand({ Name: heartbeat, Value: new Date().toISOString(), Type: 'String', Overwrite: true }));
    } catch (error) {
      results.push({ id: 'heartbeat-send', ok: false, detail: `could not send the heartbeat: ${(error as Error).name}` });
    }
  }
  results.push(...await runDoctor(clients, {
    stage,
    policy: await policyReady,
    store: await storeReady,
    ...(process.env['SLACK_WEBHOOK_PARAMETER'] ? { slackParameter: process.env['SLACK_WEBHOOK_PARAMETER'] } : {}),
    ...(trailBucket ? { trailBucket } : {}),
    ...(process.env['ORGANIZATION_ID'] ? { organizationId: process.env['ORGANIZATION_ID'] } : {}),
    expectedRules: EXPECTED_RULE_COUNT,
    heartbeatMaxAgeMs: HEARTBEAT_MAX_AGE_MS,
    nowMs: Date.now(),
  }));
  const failures = results.filter((r) => !r.ok);
  console.log(emfLine('SelfCheckFailures', failures.length, stage, { level: failures.length ? 'ERROR' : 'INFO', message: 'doctor', requestId: context?.awsRequestId, checks: results }));
  return results;
}
