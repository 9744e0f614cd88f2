import type { Rule, RuleDocs } from '../rule.js';
import { describeProtected, KMS_IMPORTED, KMS_SOURCE, keyFindingBase, keySeverity, MITRE_DATA_DESTRUCTION } from './common.js';

export const importedKeyMaterialDeleted: Rule = {
  id: 'kms.imported-key-material-deleted',
  title: 'Imported KMS key material deleted or expired',
  severity: 'HIGH',
  runbook: [
    '1. Re-import the same key material (only the original material can decrypt existing data): aws kms get-parameters-for-import, then aws kms import-key-material.',
    '2. If the material is lost, the data under the key is lost: restore from backups encrypted under other keys.',
    '3. If this was an expiry, set a later ValidTo or KEY_MATERIAL_DOES_NOT_EXPIRE on the next import.',
  ].join('\n'),
  triggers: [{ eventSource: KMS_SOURCE, eventNames: ['DeleteImportedKeyMaterial', 'DeleteExpiredKeyMaterial', 'KMS Imported Key Material Expiration'] }],
  match(event, context) {
    if (event.errorCode) return [];
    const base = keyFindingBase(event);
    if (!base) return [];
    const how = event.eventName === 'DeleteImportedKeyMaterial' ? 'deleted' : 'expired';
    const protects = describeProtected(base.keyArn, context);
    return [{
      ...base,
      summary: `imported key material ${how}: the key is PendingImport and cannot decrypt${protects ? `; it protects ${protects}` : ''}`,
      severity: keySeverity(base.keyArn, context, 'HIGH'),
      current: { keyState: 'PendingImport' },
    }];
  },
};

export const importedKeyMaterialDeletedDocs: RuleDocs = {
  description:
    'The key material of a key with imported material (origin EXTERNAL) is gone: deleted with DeleteImportedKeyMaterial, or ' +
    'expired (KMS\'s DeleteExpiredKeyMaterial service event and its "KMS Imported Key Material Expiration" event). The key is ' +
    'PendingImport and every decrypt fails until the same material is imported again. CRITICAL when the key protects known resources.',
  references: [MITRE_DATA_DESTRUCTION, KMS_IMPORTED, 'https://docs.aws.amazon.com/kms/latest/developerguide/kms-events.html'],
  fixtures: { positive: ['kms/DeleteImportedKeyMaterial.json', 'kms/KMS-Imported-Key-Material-Expiration.json'], negative: ['kms/DeleteImportedKeyMaterial.access-denied.json'] },
};
