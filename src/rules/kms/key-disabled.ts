import type { Rule, RuleDocs } from '../rule.js';
import { describeProtected, KMS_SOURCE, keyFindingBase, keySeverity, MITRE_IMPACT_ENCRYPTED } from './common.js';

export const keyDisabled: Rule = {
  id: 'kms.key-disabled',
  title: 'KMS key disabled',
  severity: 'HIGH',
  runbook: [
    '1. If unplanned, enable it: aws kms enable-key --key-id <key ARN>.',
    '2. Check the blast radius in the finding and the applications reading those resources.',
    '3. Investigate the principal ("by"): disabling a key is a fast denial-of-service and a ransomware step.',
  ].join('\n'),
  triggers: [{ eventSource: KMS_SOURCE, eventNames: ['DisableKey'] }],
  match(event, context) {
    if (event.errorCode) return [];
    const base = keyFindingBase(event);
    if (!base) return [];
    const protects = describeProtected(base.keyArn, context);
    return [{
      ...base,
      summary: `key disabled; ${protects ? `it protects ${protects}, now unreadable` : 'the ledger knows no resource it protects'}`,
      severity: keySeverity(base.keyArn, context, 'HIGH'),
      current: { keyState: 'Disabled' },
    }];
  },
};

export const keyDisabledDocs: RuleDocs = {
  description:
    'DisableKey made a key unusable: reads of data encrypted under it fail (S3 returns KMS.DisabledException), S3 Tables ' +
    'maintenance stops, and writes that need a data key fail. CRITICAL when the ledger knows resources the key protects.',
  references: [MITRE_IMPACT_ENCRYPTED, 'CIS AWS Foundations Benchmark 4.7', 'https://docs.aws.amazon.com/kms/latest/developerguide/enabling-keys.html'],
  fixtures: { positive: ['kms/DisableKey.json'], negative: ['kms/DisableKey.not-found.json'] },
};
