import type { CloudTrailEvent } from '../events/types.js';
import { parsePolicyDocument } from '../events/policy-document.js';
import { tableNameKey } from './arn.js';
import { s3TablesSseEnforcement } from './policy-analysis.js';
import type { LedgerWriter, TableBucketEntry, TableEntry, Version } from './ledger-entries.js';
import { encryptionConfigOf, s3TablesTargetOf } from './s3tables.js';

export const S3TABLES_LEDGER_EVENTS = [
  'CreateTableBucket', 'PutTableBucketEncryption', 'DeleteTableBucketEncryption', 'DeleteTableBucket', 'CreateTable', 'DeleteTable',
  'PutTableBucketPolicy', 'DeleteTableBucketPolicy',
] as const;

function bucketBase(ledger: LedgerWriter, arn: string): TableBucketEntry {
  const existing = ledger.tableBucket(arn);
  return existing ? { ...existing } : { kind: 'table-bucket', arn, version: { time: 0, eventId: '' } };
}

export function applyS3Tables(event: CloudTrailEvent, ledger: LedgerWriter, version: Version): void {
  const target = s3TablesTargetOf(event);
  const bucketArn = target.bucket?.bucketArn;
  if (!bucketArn) return;

  switch (event.eventName) {
    case 'CreateTableBucket': {
      const requested = encryptionConfigOf(event);
      ledger.put({
        kind: 'table-bucket', arn: bucketArn, version,
        // a table bucket created without a configuration uses SSE-S3
        encryption: requested ?? { sseAlgorithm: 'AES256' },
        encryptionSource: requested ? 'request' : 'default-at-create',
      });
      return;
    }
    case 'PutTableBucketEncryption': {
      const requested = encryptionConfigOf(event);
      if (requested) ledger.put({ ...bucketBase(ledger, bucketArn), encryption: requested, encryptionSource: 'request', version });
      return;
    }
    case 'DeleteTableBucketEncryption':
      ledger.put({ ...bucketBase(ledger, bucketArn), encryption: { sseAlgorithm: 'AES256' }, encryptionSource: 'default-after-delete', version });
      return;
    case 'DeleteTableBucket':
      ledger.put({ ...bucketBase(ledger, bucketArn), deleted: true, version });
      return;
    case 'CreateTable': {
      const tableArn = target.tableArn;
      if (!tableArn) return;
      const requested = encryptionConfigOf(event);
      const inheritedFrom = ledger.tableBucket(bucketArn);
      const table: TableEntry = { kind: 'table', arn: tableArn, bucketArn, version };
      if (target.namespace) table.namespace = target.namespace;
      if (target.tableName) table.name = target.tableName;
      if (requested) {
        table.encryption = requested;
        table.inherited = false;
      } else if (inheritedFrom?.encryption && !inheritedFrom.deleted) {
        table.encryption = inheritedFrom.encryption;
        table.inherited = true;
      }
      ledger.put(table);
      if (target.namespace && target.tableName) {
        ledger.put({ kind: 'table-name', key: tableNameKey(bucketArn, target.namespace, target.tableName), tableArn, version });
      }
      return;
    }
    case 'DeleteTable': {
      const tableArn = target.tableArn ?? (target.namespace && target.tableName ? ledger.tableArnByName(bucketArn, target.namespace, target.tableName) : undefined);
      const existing = tableArn ? ledger.table(tableArn) : undefined;
      if (existing) ledger.put({ ...existing, deleted: true, version });
      return;
    }
    case 'PutTableBucketPolicy': {
      const parsed = parsePolicyDocument(event.requestParameters['resourcePolicy']);
      if (!parsed.ok) return;
      ledger.put({ kind: 'table-bucket-policy', arn: bucketArn, ...s3TablesSseEnforcement(parsed.document), version });
      return;
    }
    case 'DeleteTableBucketPolicy':
      ledger.put({ kind: 'table-bucket-policy', arn: bucketArn, enforced: false, requiredKeys: [], statements: [], deleted: true, version });
      return;
    default:
      return;
  }
}
