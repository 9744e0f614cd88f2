import { s3TablesTargetOf } from '../../correlate/s3tables.js';
import type { Rule, RuleDocs } from '../rule.js';
import { S3TABLES_LOGGING_DOCS, S3TABLES_SOURCE } from './common.js';

export const encryptionConfigRead: Rule = {
  id: 's3tables.encryption-config-read',
  title: 'S3 Tables encryption configuration read',
  severity: 'INFO',
  runbook: [
    '1. Nothing to do for known tooling (CSPM scanners, the console, sse-sentinel inventory): suppress those principals in the policy.',
    '2. An unknown principal, or a burst of denied reads, followed by encryption changes is worth a look at that principal\'s other activity.',
  ].join('\n'),
  readsFailedCalls: true,
  triggers: [{ eventSource: S3TABLES_SOURCE, eventNames: ['GetTableBucketEncryption', 'GetTableEncryption'] }],
  match(event, { ledger }) {
    const target = s3TablesTargetOf(event);
    const bucketArn = target.bucket?.bucketArn;
    if (!bucketArn) return [];
    const tableArn = target.tableArn ??
      (target.namespace && target.tableName ? ledger.tableArnByName(bucketArn, target.namespace, target.tableName) : undefined);
    const what = event.eventName === 'GetTableEncryption' && target.tableName
      ? `encryption of table ${target.namespace ?? '?'}.${target.tableName}`
      : 'table bucket default encryption';
    const outcome = event.errorCode ? ` (denied: ${event.errorCode})` : '';
    return [{
      summary: `${what} read by ${event.principal.id}${outcome}`,
      resources: tableArn ? [tableArn, bucketArn] : [bucketArn],
      dedupResource: `${bucketArn}|${event.principal.id}`,
    }];
  },
};

export const encryptionConfigReadDocs: RuleDocs = {
  description:
    'An audit record of GetTableBucketEncryption / GetTableEncryption. Reading encryption settings is routine for tools and ' +
    'consoles, and a common reconnaissance step before tampering; denied reads are reported too. These are read-only events: ' +
    'EventBridge only delivers them to rules in state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS.',
  references: [S3TABLES_LOGGING_DOCS, 'MITRE ATT&CK T1580 Cloud Infrastructure Discovery'],
  fixtures: {
    positive: ['s3tables/GetTableBucketEncryption.json', 's3tables/GetTableEncryption.json'],
    negative: ['s3tables/GetTableBucketMaintenanceConfiguration.json'],
  },
};
