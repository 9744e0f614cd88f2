import type { Rule, RuleDocs } from '../rule.js';
import { KMS_SOURCE } from './common.js';
import { analyzedKeyPolicy, KEY_POLICY_DOCS, KEY_POLICY_EVENTS } from './key-policy.js';

export const keyPolicyPublic: Rule = {
  id: 'kms.key-policy-public',
  title: 'KMS key policy allows any principal',
  severity: 'CRITICAL',
  runbook: [
    '1. Replace the statement now: aws kms put-key-policy --key-id <key ARN> --policy-name default --policy file://fixed.json, naming principals explicitly or adding a kms:CallerAccount / aws:PrincipalOrgID condition.',
    '2. Review CloudTrail for use of the key by principals outside your accounts since the change.',
  ].join('\n'),
  triggers: [{ eventSource: KMS_SOURCE, eventNames: KEY_POLICY_EVENTS }],
  match(event, context) {
    const analyzed = analyzedKeyPolicy(event, context);
    if (!analyzed || analyzed.analysis.publicStatements.length === 0) return [];
    return [{
      summary: `key policy opens the key to any principal (statements ${analyzed.analysis.publicStatements.join(', ')})`,
      resources: [analyzed.keyArn],
      keyArn: analyzed.keyArn,
      current: { publicStatements: analyzed.analysis.publicStatements },
    }];
  },
};

export const keyPolicyPublicDocs: RuleDocs = {
  description:
    'A key policy Allow statement names Principal "*" (or AWS "*", or uses NotPrincipal) without a condition that really restricts ' +
    'the caller (aws:PrincipalAccount, aws:PrincipalOrgID, aws:SourceAccount, kms:CallerAccount, … with a concrete value). Anyone ' +
    'in any account may use or manage the key, as far as the listed actions go.',
  references: [KEY_POLICY_DOCS, 'MITRE ATT&CK T1098 Account Manipulation'],
  fixtures: { positive: ['kms/PutKeyPolicy.public.json'], negative: ['kms/PutKeyPolicy.org-restricted.json'] },
};
