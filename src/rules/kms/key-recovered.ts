import type { Rule, RuleDocs } from '../rule.js';
import { KMS_DELETING_KEYS, KMS_SOURCE, keyFindingBase } from './common.js';

export const keyRecovered: Rule = {
  id: 'kms.key-recovered',
  title: 'KMS key deletion cancelled or key re-enabled',
  severity: 'INFO',
  runbook: [
    '1. After CancelKeyDeletion: if the key was enabled before, run aws kms enable-key --key-id <key ARN>, then check with aws kms describe-key that KeyState is Enabled.',
    '2. Confirm with whoever scheduled the deletion or disabled the key that the recovery is intended.',
  ].join('\n'),
  triggers: [{ eventSource: KMS_SOURCE, eventNames: ['CancelKeyDeletion', 'EnableKey'] }],
  match(event) {
    if (event.errorCode) return [];
    const base = keyFindingBase(event);
    if (!base) return [];
    const cancelled = event.eventName === 'CancelKeyDeletion';
    return [{
      ...base,
      summary: cancelled
        ? 'key deletion cancelled; the key is now Disabled and data under it stays unreadable until EnableKey'
        : 'key enabled again',
      current: { keyState: cancelled ? 'Disabled' : 'Enabled' },
    }];
  },
};

export const keyRecoveredDocs: RuleDocs = {
  description:
    'CancelKeyDeletion or EnableKey. A cancelled deletion leaves the key Disabled: data stays unreadable until EnableKey, which this finding reminds of.',
  references: [KMS_DELETING_KEYS, 'https://docs.aws.amazon.com/kms/latest/APIReference/API_CancelKeyDeletion.html'],
  fixtures: { positive: ['kms/CancelKeyDeletion.json', 'kms/EnableKey.json'], negative: ['kms/EnableKey.access-denied.json'] },
};
