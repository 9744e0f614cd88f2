import { contextResources } from '../../correlate/kms.js';
import { parseS3TablesArn } from '../../correlate/arn.js';
import { S3TABLES_MAINTENANCE_PRINCIPAL } from '../../correlate/s3tables.js';
import { isServicePrincipal } from '../../events/principal.js';
import type { Rule, RuleDocs } from '../rule.js';
import { KMS_SOURCE, keyOf } from './common.js';

/** Errors meaning the key itself is unusable, not that this caller lacks permission. */
const KEY_UNUSABLE = new Set(['DisabledException', 'KMSInvalidStateException', 'KeyUnavailableException', 'KMS.DisabledException', 'KMS.KMSInvalidStateException']);
const DATA_KEY_OPERATIONS = ['GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'Decrypt', 'Encrypt', 'ReEncrypt'];

export const kmsAccessDeniedRule: Rule = {
  id: 'kms.access-denied',
  title: 'KMS cryptographic call failed',
  severity: 'MEDIUM',
  runbook: [
    '1. AccessDenied: compare the caller ("by") with the key policy and grants; a burst from one principal may be probing.',
    '2. DisabledException / KMSInvalidStateException: the key is disabled or pending deletion — see kms.key-disabled / kms.key-deletion-scheduled.',
    '3. IncorrectKeyException / InvalidCiphertextException: the ciphertext was encrypted under another key; check which key the resource uses.',
  ].join('\n'),
  triggers: [{ eventSource: KMS_SOURCE, eventNames: DATA_KEY_OPERATIONS, detailFilter: { errorCode: [{ exists: true }] } }],
  readsFailedCalls: true,
  match(event) {
    if (!event.errorCode) return [];
    // S3 Tables failures belong to s3tables.kms-access-denied
    const context = event.requestParameters['encryptionContext'] as Record<string, unknown> | undefined;
    if (isServicePrincipal(event.principal, S3TABLES_MAINTENANCE_PRINCIPAL, event.sourceIp, event.userAgent) || parseS3TablesArn(context?.['aws:s3:arn'])) return [];
    const keyArn = keyOf(event);
    const served = contextResources(event);
    const unusable = KEY_UNUSABLE.has(event.errorCode);
    return [{
      summary: `kms:${event.eventName} by ${event.principal.id} failed with ${event.errorCode}${served[0] ? ` for ${served[0]}` : ''}${unusable ? ': the key is unusable' : ''}`,
      resources: [...served, ...(keyArn ? [keyArn] : [])].length ? [...served, ...(keyArn ? [keyArn] : [])] : [event.principal.id],
      severity: unusable ? 'HIGH' : 'MEDIUM',
      ...(keyArn ? { keyArn } : {}),
      dedupResource: `${keyArn ?? 'unknown key'}|${event.principal.id}`,
    }];
  },
};

export const kmsAccessDeniedRuleDocs: RuleDocs = {
  description:
    'A GenerateDataKey / Decrypt / Encrypt / ReEncrypt call failed, correlated through its encryption context to the S3 object or ' +
    'bucket it served. HIGH when the key itself is unusable (disabled, pending deletion, pending import). S3 Tables failures are ' +
    'reported by s3tables.kms-access-denied instead. Bursts are one alert per key and principal (dedup key).',
  references: ['https://docs.aws.amazon.com/kms/latest/developerguide/troubleshooting.html', 'https://docs.aws.amazon.com/kms/latest/developerguide/logging-using-cloudtrail.html'],
  fixtures: { positive: ['kms/Decrypt.other-service-denied.json', 'kms/Decrypt.key-disabled.json'], negative: ['kms/GenerateDataKey.s3tables-maintenance-denied.json', 'kms/GenerateDataKey.s3tables-maintenance-ok.json'] },
};
