import type { Rule, RuleDocs } from '../rule.js';
import { KMS_SOURCE } from './common.js';
import { analyzedKeyPolicy, KEY_POLICY_DOCS, KEY_POLICY_EVENTS } from './key-policy.js';

export const keyPolicyCrossAccount: Rule = {
  id: 'kms.key-policy-cross-account',
  title: 'KMS key policy grants an untrusted account',
  severity: 'HIGH',
  runbook: [
    '1. Confirm the account with the key owner; if unknown, remove the statement with put-key-policy.',
    '2. If legitimate, add the account to trustedAccounts in the policy file.',
    '3. Review the account\'s use of the key in CloudTrail (Decrypt/GenerateDataKey with a foreign userIdentity.accountId).',
  ].join('\n'),
  triggers: [{ eventSource: KMS_SOURCE, eventNames: KEY_POLICY_EVENTS }],
  match(event, context) {
    const analyzed = analyzedKeyPolicy(event, context);
    if (!analyzed || analyzed.analysis.externalAccounts.length === 0) return [];
    return [{
      summary: `key policy grants account(s) ${analyzed.analysis.externalAccounts.join(', ')}, neither the key's nor trusted`,
      resources: [analyzed.keyArn],
      keyArn: analyzed.keyArn,
      current: { externalAccounts: analyzed.analysis.externalAccounts },
    }];
  },
};

export const keyPolicyCrossAccountDocs: RuleDocs = {
  description:
    'A key policy Allow statement names principals of an account that is neither the key\'s nor in trustedAccounts. That account ' +
    'can use the key within the listed actions (and, with kms:Decrypt, read data encrypted under it wherever it gets the ciphertext).',
  references: [KEY_POLICY_DOCS, 'https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html'],
  fixtures: { positive: ['kms/PutKeyPolicy.cross-account.json'], negative: ['kms/PutKeyPolicy.org-restricted.json'] },
};
