import type { Rule, RuleDocs } from '../rule.js';
import { KMS_SOURCE, keyFindingBase } from './common.js';

export const rotationDisabled: Rule = {
  id: 'kms.rotation-disabled',
  title: 'KMS automatic key rotation disabled',
  severity: 'MEDIUM',
  runbook: [
    '1. Re-enable it: aws kms enable-key-rotation --key-id <key ARN> [--rotation-period-in-days N].',
    '2. Ask the principal ("by") why; rotation is a CIS control.',
  ].join('\n'),
  triggers: [{ eventSource: KMS_SOURCE, eventNames: ['DisableKeyRotation'] }],
  match(event) {
    if (event.errorCode) return [];
    const base = keyFindingBase(event);
    return base ? [{ ...base, summary: 'automatic rotation disabled', current: { keyRotationEnabled: false } }] : [];
  },
};

export const rotationDisabledDocs: RuleDocs = {
  description: 'DisableKeyRotation turned off yearly (or custom-period) automatic rotation of a key\'s material.',
  references: ['CIS AWS Foundations Benchmark 3.6 Ensure rotation for customer-created symmetric CMKs is enabled', 'https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html'],
  fixtures: { positive: ['kms/DisableKeyRotation.json'], negative: ['kms/DisableKeyRotation.access-denied.json'] },
};
