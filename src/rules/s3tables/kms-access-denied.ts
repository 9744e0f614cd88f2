import { parseS3TablesArn } from '../../correlate/arn.js';
import { keyOf } from '../../correlate/kms.js';
import { encryptionConfigOf, S3TABLES_MAINTENANCE_PRINCIPAL, s3TablesTargetOf } from '../../correlate/s3tables.js';
import { isServicePrincipal } from '../../events/principal.js';
import type { CloudTrailEvent } from '../../events/types.js';
import type { FindingDraft, Rule, RuleDocs } from '../rule.js';
import { S3TABLES_KMS_PERMISSIONS_DOCS, S3TABLES_SOURCE } from './common.js';

const KMS_SOURCE = 'kms.amazonaws.com';

/** S3 Tables puts the table (or table bucket) ARN, with an object path, in `aws:s3:arn`. */
function tablesArnInContext(event: CloudTrailEvent): ReturnType<typeof parseS3TablesArn> {
  const context = event.requestParameters['encryptionContext'];
  if (!context || typeof context !== 'object') return undefined;
  return parseS3TablesArn((context as Record<string, unknown>)['aws:s3:arn']);
}

function fromKmsEvent(event: CloudTrailEvent): FindingDraft[] {
  const viaMaintenance = isServicePrincipal(event.principal, S3TABLES_MAINTENANCE_PRINCIPAL, event.sourceIp, event.userAgent);
  const tables = tablesArnInContext(event);
  if (!viaMaintenance && !tables) return [];
  const keyArn = keyOf(event);
  const resources = [tables?.tableArn, tables?.bucketArn, keyArn].filter((arn): arn is string => arn !== undefined);
  const who = viaMaintenance ? S3TABLES_MAINTENANCE_PRINCIPAL : event.principal.id;
  return [{
    summary: `kms:${event.eventName} by ${who} failed with ${event.errorCode}: S3 Tables cannot read or write table data under this key`,
    resources: resources.length ? resources : [event.principal.id],
    ...(keyArn ? { keyArn } : {}),
  }];
}

function fromCreateTable(event: CloudTrailEvent): FindingDraft[] {
  const text = `${event.errorCode ?? ''} ${event.errorMessage ?? ''}`;
  if (!/kms/i.test(text)) return [];
  const target = s3TablesTargetOf(event);
  const bucketArn = target.bucket?.bucketArn;
  const keyArn = encryptionConfigOf(event)?.kmsKeyArn;
  const name = target.namespace && target.tableName ? ` ${target.namespace}.${target.tableName}` : '';
  return [{
    summary: `CreateTable${name} failed on KMS permissions (${event.errorCode}): ${event.errorMessage ?? 'no message'}`,
    resources: bucketArn ? [bucketArn] : [],
    ...(keyArn ? { keyArn } : {}),
  }];
}

export const kmsAccessDenied: Rule = {
  id: 's3tables.kms-access-denied',
  title: 'S3 Tables denied access to its KMS key',
  severity: 'HIGH',
  runbook: [
    '1. Open the key policy of the key named in the finding: aws kms get-key-policy --key-id <key ARN> --policy-name default.',
    '2. The key policy must allow, on this key:',
    '   - the principal creating or writing tables (the IAM role or user): kms:GenerateDataKey and kms:Decrypt;',
    '   - the service principal maintenance.s3tables.amazonaws.com: kms:GenerateDataKey and kms:Decrypt, with the condition ' +
      '"kms:EncryptionContext:aws:s3:arn": "<table bucket ARN>/*" and aws:SourceAccount = the bucket account;',
    '   - the Lake Formation / analytics integration role, when tables are queried through AWS analytics services: kms:Decrypt.',
    '3. If the key is disabled or pending deletion, the error code says so (DisabledException, KMSInvalidStateException): re-enable it or cancel the deletion.',
    '4. Retry CreateTable, then watch for TablesMaintenanceEvent service events on the table.',
  ].join('\n'),
  readsFailedCalls: true,
  triggers: [
    { eventSource: S3TABLES_SOURCE, eventNames: ['CreateTable'] },
    { eventSource: KMS_SOURCE, eventNames: ['GenerateDataKey', 'Decrypt'], detailFilter: { errorCode: [{ exists: true }] } },
  ],
  match(event) {
    if (!event.errorCode) return [];
    return event.eventSource === KMS_SOURCE ? fromKmsEvent(event) : fromCreateTable(event);
  },
};

export const kmsAccessDeniedDocs: RuleDocs = {
  description:
    'CreateTable failed on KMS permissions, or a kms:GenerateDataKey / kms:Decrypt call for table data failed (made by the ' +
    'maintenance principal maintenance.s3tables.amazonaws.com, or carrying an S3 Tables ARN as encryption context). ' +
    'Without these permissions table creation fails and compaction, snapshot management and unreferenced-file removal stop.',
  references: [S3TABLES_KMS_PERMISSIONS_DOCS],
  fixtures: {
    positive: ['s3tables/CreateTable.kms-access-denied.json', 'kms/GenerateDataKey.s3tables-maintenance-denied.json'],
    negative: ['s3tables/CreateTable.conflict.json', 'kms/GenerateDataKey.s3tables-maintenance-ok.json', 'kms/Decrypt.other-service-denied.json'],
  },
};
