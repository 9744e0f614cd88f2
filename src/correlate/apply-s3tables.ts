import { parsePolicyDocument } from '../events/policy-document.js';
import type { CloudTrailEvent } from '../events/types.js';
import { tableNameKey } from './arn.js';
import type { LedgerWriter, PolicyEnforcementEntry, TableBucketEntry, TableEntry, TableNameEntry, Version } from './ledger-entries.js';
import { s3TablesSseEnforcement } from './policy-analysis.js';
import { encryptionConfigOf, s3TablesTargetOf, type EncryptionConfig } from './s3tables.js';

export const S3TABLES_LEDGER_EVENTS = [
  'CreateTableBucket', 'PutTableBucketEncryption', 'DeleteTableBucketEncryption', 'DeleteTableBucket', 'CreateTable', 'DeleteTable',
  'PutTableBucketPolicy', 'DeleteTableBucketPolicy',
] as const;

function setBucketDefault(ledger: LedgerWriter, arn: string, encryption: EncryptionConfig, source: TableBucketEntry['encryptionSource'], version: Version): void {
  ledger.update<TableBucketEntry>({ kind: 'table-bucket', arn }, { encryption, encryptionSource: source }, version);
  ledger.recordBucketDefault(arn, { time: version.time, eventId: version.eventId, encryption });
}

export function applyS3Tables(event: CloudTrailEvent, ledger: LedgerWriter, version: Version): void {
  const target = s3TablesTargetOf(event);
  const bucketArn = target.bucket?.bucketArn;
  if (!bucketArn) return;

  switch (event.eventName) {
    case 'CreateTableBucket': {
      const requested = encryptionConfigOf(event);
      // a table bucket created without a configuration uses SSE-S3
      setBucketDefault(ledger, bucketArn, requested ?? { sseAlgorithm: 'AES256' }, requested ? 'request' : 'default-at-create', version);
      return;
    }
    case 'PutTableBucketEncryption': {
      const requested = encryptionConfigOf(event);
      if (requested) setBucketDefault(ledger, bucketArn, requested, 'request', version);
      return;
    }
    case 'DeleteTableBucketEncryption':
      setBucketDefault(ledger, bucketArn, { sseAlgorithm: 'AES256' }, 'default-after-delete', version);
      return;
    case 'DeleteTableBucket':
      ledger.update<TableBucketEntry>({ kind: 'table-bucket', arn: bucketArn }, { deleted: true }, version);
      return;
    case 'CreateTable': {
      const tableArn = target.tableArn;
      if (!tableArn) return;
      const requested = encryptionConfigOf(event);
      const patch: Partial<TableEntry> = { bucketArn, createdAt: version, inherited: !requested, encryption: requested };
      if (target.namespace) patch.namespace = target.namespace;
      if (target.tableName) patch.name = target.tableName;
      ledger.update<TableEntry>({ kind: 'table', arn: tableArn, bucketArn }, patch, version);
      if (target.namespace && target.tableName) {
        const key = tableNameKey(bucketArn, target.namespace, target.tableName);
        ledger.update<TableNameEntry>({ kind: 'table-name', key, tableArn }, { tableArn }, version);
      }
      return;
    }
    case 'DeleteTable': {
      const tableArn = target.tableArn ?? (target.namespace && target.tableName ? ledger.tableArnByName(bucketArn, target.namespace, target.tableName) : undefined);
      // a tombstone even when the creation has not arrived yet: a late CreateTable (older) then stays deleted
      if (tableArn) ledger.update<TableEntry>({ kind: 'table', arn: tableArn, bucketArn }, { deleted: true }, version);
      return;
    }
    case 'PutTableBucketPolicy': {
      const parsed = parsePolicyDocument(event.requestParameters['resourcePolicy']);
      if (!parsed.ok) return;
      ledger.update<PolicyEnforcementEntry>(
        { kind: 'table-bucket-policy', arn: bucketArn, enforced: false, requiredKeys: [], statements: [] },
        { ...s3TablesSseEnforcement(parsed.document), deleted: false },
        version,
      );
      return;
    }
    case 'DeleteTableBucketPolicy':
      ledger.update<PolicyEnforcementEntry>(
        { kind: 'table-bucket-policy', arn: bucketArn, enforced: false, requiredKeys: [], statements: [] },
        { enforced: false, requiredKeys: [], statements: [], deleted: true },
        version,
      );
      return;
    default:
      return;
  }
}
