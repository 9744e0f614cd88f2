import { parseArn } from '../../correlate/arn.js';
import { principalAccount } from '../../correlate/policy-analysis.js';
import type { Rule, RuleDocs } from '../rule.js';
import { KMS_SOURCE, keyFindingBase } from './common.js';

export const grantExternal: Rule = {
  id: 'kms.grant-external',
  title: 'KMS grant to a principal of an untrusted account',
  severity: 'HIGH',
  runbook: [
    '1. List grants: aws kms list-grants --key-id <key ARN>; retire the grant: aws kms revoke-grant --key-id <key ARN> --grant-id <id from the finding>.',
    '2. Find who created it ("by") and whether the grantee used it (CloudTrail events with the grant token or the grantee principal).',
  ].join('\n'),
  triggers: [{ eventSource: KMS_SOURCE, eventNames: ['CreateGrant'] }],
  match(event, { policy }) {
    if (event.errorCode) return [];
    const grantee = event.requestParameters['granteePrincipal'];
    if (typeof grantee !== 'string') return [];
    const granteeAccount = principalAccount(grantee);
    const base = keyFindingBase(event);
    if (!granteeAccount || !base) return [];
    const keyAccount = parseArn(base.keyArn)?.accountId || event.account;
    if (policy.isTrustedAccount(granteeAccount, keyAccount)) return [];
    const operations = Array.isArray(event.requestParameters['operations']) ? event.requestParameters['operations'] : [];
    return [{
      ...base,
      summary: `grant ${String(event.responseElements['grantId'] ?? '')} lets ${grantee} (account ${granteeAccount}) use the key for ${operations.join(', ') || 'unspecified operations'}`,
      current: { grantee, operations, grantId: event.responseElements['grantId'] },
    }];
  },
};

export const grantExternalDocs: RuleDocs = {
  description:
    'CreateGrant gave a principal of an account that is neither the key\'s nor trusted the right to use the key. Grants do not show ' +
    'in the key policy, which makes them a quiet way to keep access to encrypted data.',
  references: ['https://docs.aws.amazon.com/kms/latest/developerguide/grants.html', 'MITRE ATT&CK T1098 Account Manipulation'],
  fixtures: { positive: ['kms/CreateGrant.external.json'], negative: ['kms/CreateGrant.same-account.json'] },
};
