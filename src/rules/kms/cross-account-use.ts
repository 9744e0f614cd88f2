import { parseArn } from '../../correlate/arn.js';
import type { Rule, RuleDocs } from '../rule.js';
import { KMS_SOURCE, keyOf } from './common.js';
import { DATA_KEY_OPERATIONS, servedResource, SUCCESSFUL } from './usage.js';

export const crossAccountUse: Rule = {
  id: 'kms.cross-account-use',
  title: 'KMS key used by an untrusted account',
  severity: 'MEDIUM',
  runbook: [
    '1. Identify the account and principal ("by"); check the key policy (kms.key-policy-cross-account) and grants (aws kms list-grants).',
    '2. If the access is not intended, remove it from the key policy or revoke the grant.',
    '3. If intended, add the account to trustedAccounts.',
  ].join('\n'),
  triggers: [{ eventSource: KMS_SOURCE, eventNames: DATA_KEY_OPERATIONS, detailFilter: SUCCESSFUL }],
  match(event, { ledger, policy }) {
    if (event.errorCode) return [];
    const keyArn = keyOf(event);
    const keyAccount = keyArn ? parseArn(keyArn)?.accountId : undefined;
    const caller = event.principal.accountId;
    if (!keyArn || !keyAccount || !caller || event.principal.kind === 'AWSService' || policy.isTrustedAccount(caller, keyAccount)) return [];
    const { resource } = servedResource(event);
    const { tableBuckets, tables, buckets } = ledger.protectedBy(keyArn);
    return [{
      summary: `account ${caller} (${event.principal.id}) used the key for kms:${event.eventName}${resource !== 'unknown' ? ` on ${resource}` : ''}`,
      resources: [keyArn, ...(resource !== 'unknown' ? [resource] : [])],
      keyArn,
      severity: tableBuckets.length + tables.length + buckets.length > 0 ? 'HIGH' : 'MEDIUM',
      dedupResource: `${keyArn}|${caller}`,
    }];
  },
};

export const crossAccountUseDocs: RuleDocs = {
  description:
    'A successful GenerateDataKey / Decrypt / Encrypt / ReEncrypt by a principal of an account that is neither the key\'s nor ' +
    'trusted. The key policy or a grant lets that account use the key; it can read whatever it encrypts or decrypts with it. ' +
    'HIGH when the ledger knows resources the key protects. One alert per key and calling account (dedup key).',
  references: ['https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html', 'MITRE ATT&CK T1530 Data from Cloud Storage'],
  fixtures: { positive: ['kms/Decrypt.cross-account.json'], negative: ['kms/GenerateDataKey.s3tables-maintenance-ok.json', 'kms/Decrypt.trusted-account.json'] },
};
