import { parseCloudTrailDate, toIsoSeconds } from '../../events/dates.js';
import type { Rule, RuleDocs } from '../rule.js';
import { describeProtected, KMS_DELETING_KEYS, KMS_SOURCE, keyFindingBase, keySeverity, MITRE_DATA_DESTRUCTION } from './common.js';

export const keyDeletionScheduled: Rule = {
  id: 'kms.key-deletion-scheduled',
  title: 'KMS key scheduled for deletion',
  severity: 'HIGH',
  runbook: [
    '1. If the deletion is not planned, cancel it now: aws kms cancel-key-deletion --key-id <key ARN>.',
    '2. A cancelled key stays Disabled: enable it again with aws kms enable-key --key-id <key ARN> if it was enabled before.',
    '3. Check the blast radius in the finding; list more with sse-sentinel replay --report, and CloudTrail Decrypt events for the key.',
    '4. Investigate the principal ("by"); deny kms:ScheduleKeyDeletion with an SCP outside a key-administration role.',
  ].join('\n'),
  triggers: [{ eventSource: KMS_SOURCE, eventNames: ['ScheduleKeyDeletion'] }],
  match(event, context) {
    if (event.errorCode) return [];
    const base = keyFindingBase(event);
    if (!base) return [];
    const deletion = parseCloudTrailDate(event.responseElements['deletionDate']);
    const window = event.responseElements['pendingWindowInDays'] ?? event.requestParameters['pendingWindowInDays'];
    const when = deletion !== undefined ? ` on ${toIsoSeconds(deletion)}` : typeof window === 'number' ? ` in ${window} days` : '';
    const replica = event.responseElements['keyState'] === 'PendingReplicaDeletion' ? ' (multi-Region primary: its replicas are deleted first)' : '';
    const protects = describeProtected(base.keyArn, context);
    return [{
      ...base,
      summary: `key scheduled for deletion${when}${replica}; ${protects ? `it protects ${protects}` : 'the ledger knows no resource it protects'}`,
      severity: keySeverity(base.keyArn, context, 'HIGH'),
      ...(context.ledger.key(base.keyArn)?.state ? { previous: { keyState: context.ledger.key(base.keyArn)!.state } } : {}),
      current: { keyState: event.responseElements['keyState'] ?? 'PendingDeletion', ...(deletion !== undefined ? { deletionDate: toIsoSeconds(deletion) } : {}) },
    }];
  },
};

export const keyDeletionScheduledDocs: RuleDocs = {
  description:
    'ScheduleKeyDeletion put a key into its waiting period. When it ends, every object, table and table bucket encrypted ' +
    'under the key becomes unreadable for good. CRITICAL when the ledger knows resources the key protects; the finding lists them.',
  references: [MITRE_DATA_DESTRUCTION, 'CIS AWS Foundations Benchmark 4.7 Ensure a log metric filter and alarm exist for disabling or scheduled deletion of customer created CMKs', KMS_DELETING_KEYS],
  fixtures: { positive: ['kms/ScheduleKeyDeletion.json', 'scenarios/key-blast-radius/'], negative: ['kms/ScheduleKeyDeletion.access-denied.json'] },
};
