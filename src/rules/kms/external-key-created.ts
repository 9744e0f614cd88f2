import type { Rule, RuleDocs } from '../rule.js';
import { KMS_IMPORTED, KMS_SOURCE, keyFindingBase } from './common.js';
import { keyMetadataOf } from '../../correlate/kms.js';

export const externalKeyCreated: Rule = {
  id: 'kms.external-key-created',
  title: 'KMS key with external (imported) key material created',
  severity: 'MEDIUM',
  runbook: [
    '1. Confirm the key belongs to a documented key-management process (BYOK) and who holds the material.',
    '2. Make sure nothing is encrypted under it that your policy requires under an AWS-generated key (approvedKeys).',
  ].join('\n'),
  triggers: [{ eventSource: KMS_SOURCE, eventNames: ['CreateKey'] }],
  match(event) {
    if (event.errorCode) return [];
    const origin = keyMetadataOf(event)?.['origin'] ?? event.requestParameters['origin'];
    if (origin !== 'EXTERNAL') return [];
    const base = keyFindingBase(event);
    if (!base) return [];
    return [{ ...base, summary: 'key created for imported key material (origin EXTERNAL); it is PendingImport until material is imported', current: { origin, keyState: 'PendingImport' } }];
  },
};

export const externalKeyCreatedDocs: RuleDocs = {
  description:
    'CreateKey with origin EXTERNAL: the key material comes from outside AWS, its durability is the importer\'s responsibility, and ' +
    'it can be deleted or expire at any time — which makes such keys a tool for holding data hostage when they protect your data.',
  references: [KMS_IMPORTED, 'MITRE ATT&CK T1486 Data Encrypted for Impact'],
  fixtures: { positive: ['kms/CreateKey.external.json'], negative: ['kms/CreateKey.aws-kms.json'] },
};
