import { partitionOf } from '../../correlate/arn.js';
import type { JsonObject } from '../../events/types.js';
import type { Rule, RuleDocs } from '../rule.js';
import { ATHENA_ENCRYPTION_DOCS, ATHENA_SOURCE } from './query-results-unencrypted.js';

function weakenings(updates: JsonObject): string[] {
  const out: string[] = [];
  const results = (updates['resultConfigurationUpdates'] ?? {}) as JsonObject;
  if (updates['enforceWorkGroupConfiguration'] === false) out.push('workgroup settings no longer enforced (clients may skip encryption)');
  if (results['removeEncryptionConfiguration'] === true) out.push('result encryption removed');
  const option = (results['encryptionConfiguration'] as JsonObject | undefined)?.['encryptionOption'];
  if (option === 'SSE_S3') out.push('result encryption set to SSE_S3');
  if (updates['enableMinimumEncryptionConfiguration'] === false) out.push('minimum encryption configuration disabled');
  if (updates['removeCustomerContentEncryptionConfiguration'] === true) out.push('customer content encryption removed');
  return out;
}

export const workgroupEncryptionWeakened: Rule = {
  id: 'athena.workgroup-encryption-weakened',
  title: 'Athena workgroup encryption weakened',
  severity: 'HIGH',
  runbook: [
    '1. Restore: aws athena update-work-group --work-group <name> --configuration-updates ' +
      '\'EnforceWorkGroupConfiguration=true,ResultConfigurationUpdates={EncryptionConfiguration={EncryptionOption=SSE_KMS,KmsKey=<key ARN>}}\'.',
    '2. Review queries run in the workgroup since the change and where their results went.',
  ].join('\n'),
  triggers: [{ eventSource: ATHENA_SOURCE, eventNames: ['UpdateWorkGroup'] }],
  match(event) {
    if (event.errorCode) return [];
    const updates = event.requestParameters['configurationUpdates'] as JsonObject | undefined;
    const found = updates ? weakenings(updates) : [];
    if (found.length === 0) return [];
    const workGroup = String(event.requestParameters['workGroup'] ?? 'unknown');
    return [{ summary: `workgroup ${workGroup}: ${found.join('; ')}`, resources: [`arn:${partitionOf(event.awsRegion)}:athena:${event.awsRegion}:${event.account}:workgroup/${workGroup}`], current: updates }];
  },
};

export const workgroupEncryptionWeakenedDocs: RuleDocs = {
  description:
    'UpdateWorkGroup removed result encryption, downgraded it to SSE_S3, stopped enforcing the workgroup configuration, or dropped ' +
    'the minimum-encryption or customer-content encryption settings.',
  references: [ATHENA_ENCRYPTION_DOCS, 'https://docs.aws.amazon.com/athena/latest/APIReference/API_UpdateWorkGroup.html'],
  fixtures: { positive: ['athena/UpdateWorkGroup.encryption-removed.json'], negative: ['athena/UpdateWorkGroup.description-only.json'] },
};
