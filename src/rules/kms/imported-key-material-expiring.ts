import { parseCloudTrailDate, toIsoSeconds } from '../../events/dates.js';
import type { Rule, RuleDocs } from '../rule.js';
import { KMS_IMPORTED, KMS_SOURCE, keyFindingBase } from './common.js';

const DAY_MS = 86_400_000;
const SOON_DAYS = 30;

export const importedKeyMaterialExpiring: Rule = {
  id: 'kms.imported-key-material-expiring',
  title: 'Imported KMS key material will expire',
  severity: 'MEDIUM',
  runbook: [
    '1. Put the expiry date in the key owner\'s calendar, with a re-import well before it.',
    '2. Or re-import the same material with --expiration-model KEY_MATERIAL_DOES_NOT_EXPIRE if your key-management process allows it.',
  ].join('\n'),
  triggers: [{ eventSource: KMS_SOURCE, eventNames: ['ImportKeyMaterial'] }],
  match(event) {
    if (event.errorCode) return [];
    if (event.requestParameters['expirationModel'] === 'KEY_MATERIAL_DOES_NOT_EXPIRE') return [];
    const validTo = parseCloudTrailDate(event.requestParameters['validTo']);
    if (validTo === undefined) return [];
    const base = keyFindingBase(event);
    if (!base) return [];
    const days = Math.floor((validTo - event.eventTimeMs) / DAY_MS);
    return [{
      ...base,
      summary: `imported key material expires on ${toIsoSeconds(validTo)} (${days} days after the import); the key stops decrypting then`,
      severity: days < SOON_DAYS ? 'HIGH' : 'MEDIUM',
      current: { materialExpiresAt: toIsoSeconds(validTo) },
    }];
  },
};

export const importedKeyMaterialExpiringDocs: RuleDocs = {
  description:
    'ImportKeyMaterial set an expiry (expirationModel KEY_MATERIAL_EXPIRES, validTo). On that date KMS deletes the material and ' +
    'the key stops decrypting. HIGH when the expiry is less than 30 days after the import.',
  references: [KMS_IMPORTED, 'https://docs.aws.amazon.com/kms/latest/APIReference/API_ImportKeyMaterial.html'],
  fixtures: { positive: ['kms/ImportKeyMaterial.expires.json'], negative: ['kms/ImportKeyMaterial.does-not-expire.json'] },
};
