import { trailArnOf } from '../../correlate/cloudtrail.js';
import type { Rule, RuleDocs } from '../rule.js';
import { CIS_CLOUDTRAIL_CHANGES, CLOUDTRAIL_SOURCE, MITRE_DISABLE_CLOUD_LOGS } from './common.js';

export const loggingStopped: Rule = {
  id: 'cloudtrail.logging-stopped',
  title: 'CloudTrail logging stopped',
  severity: 'CRITICAL',
  runbook: [
    '1. Restart logging now: aws cloudtrail start-logging --name <trail ARN>.',
    '2. Find out who stopped it ("by") and whether the principal is compromised; review its other activity in the gap.',
    '3. Replay the gap from other sources (organization trail, CloudTrail Lake) with sse-sentinel replay to catch changes made while blind.',
    '4. Protect the trail with an SCP that denies cloudtrail:StopLogging outside a break-glass role.',
  ].join('\n'),
  triggers: [{ eventSource: CLOUDTRAIL_SOURCE, eventNames: ['StopLogging'] }],
  match(event) {
    if (event.errorCode) return [];
    const trail = trailArnOf(event) ?? 'unknown trail';
    return [{ summary: `logging stopped on ${trail}: changes made from now on go unrecorded`, resources: [trail] }];
  },
};

export const loggingStoppedDocs: RuleDocs = {
  description: 'StopLogging turned a trail off: API activity, including encryption and key changes, is no longer recorded. sse-sentinel receives CloudTrail events through EventBridge only while a trail is logging: this change can blind it too.',
  references: [MITRE_DISABLE_CLOUD_LOGS, CIS_CLOUDTRAIL_CHANGES, 'https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_StopLogging.html'],
  fixtures: { positive: ['cloudtrail/StopLogging.json'], negative: ['cloudtrail/StopLogging.access-denied.json'] },
};
