import { trailArnOf } from '../../correlate/cloudtrail.js';
import type { Rule, RuleDocs } from '../rule.js';
import { CIS_CLOUDTRAIL_CHANGES, CLOUDTRAIL_SOURCE, MITRE_DISABLE_CLOUD_LOGS } from './common.js';

export const trailDeleted: Rule = {
  id: 'cloudtrail.trail-deleted',
  title: 'CloudTrail trail deleted',
  severity: 'CRITICAL',
  runbook: [
    '1. Recreate the trail from your infrastructure code (multi-Region, log file validation on, SSE-KMS with your trail key) and start logging.',
    '2. Re-create its event selectors for S3 and S3 Tables data events.',
    '3. Investigate the principal ("by"); replay the gap from an organization trail or CloudTrail Lake.',
    '4. Deny cloudtrail:DeleteTrail with an SCP outside a break-glass role.',
  ].join('\n'),
  triggers: [{ eventSource: CLOUDTRAIL_SOURCE, eventNames: ['DeleteTrail'] }],
  match(event) {
    if (event.errorCode) return [];
    const trail = trailArnOf(event) ?? 'unknown trail';
    return [{ summary: `trail ${trail} deleted`, resources: [trail] }];
  },
};

export const trailDeletedDocs: RuleDocs = {
  description: 'DeleteTrail removed a trail and its configuration (delivery bucket, SSE-KMS key, data-event selectors). sse-sentinel receives CloudTrail events through EventBridge only while a trail is logging: this change can blind it too.',
  references: [MITRE_DISABLE_CLOUD_LOGS, CIS_CLOUDTRAIL_CHANGES, 'https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DeleteTrail.html'],
  fixtures: { positive: ['cloudtrail/DeleteTrail.json'], negative: ['cloudtrail/DeleteTrail.not-found.json'] },
};
