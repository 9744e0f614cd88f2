import type { CloudTrailEvent } from '../events/types.js';
import { tableNameKey } from './arn.js';
import {
  encryptionConfigOf,
  S3TABLES_SOURCE,
  s3TablesTargetOf,
  type EncryptionConfig,
} from './s3tables.js';

/** Events the ledger learns from, beyond those the rules read: the deployment must deliver them too. */
export const LEDGER_TRIGGERS = [
  {
    eventSource: S3TABLES_SOURCE,
    eventNames: ['CreateTableBucket', 'PutTableBucketEncryption', 'DeleteTableBucketEncryption', 'DeleteTableBucket', 'CreateTable', 'DeleteTable'],
  },
] as const;

/** Which event last set an entry: entries only move forward in event time, whatever the arrival order. */
export interface Version {
  time: number;
  eventId: string;
}

export interface TableBucketEntry {
  kind: 'table-bucket';
  arn: string;
  /** The default encryption new tables inherit; undefined when the ledger has not seen it. */
  encryption?: EncryptionConfig;
  /** How the ledger learnt the encryption: from a request, or the SSE-S3 default after a deletion. */
  encryptionSource?: 'request' | 'default-after-delete' | 'default-at-create' | 'inventory';
  deleted?: boolean;
  version: Version;
}

export interface TableEntry {
  kind: 'table';
  arn: string;
  bucketArn: string;
  namespace?: string;
  name?: string;
  /** Fixed at creation: S3 Tables never changes a table's key afterwards. */
  encryption?: EncryptionConfig;
  inherited?: boolean;
  deleted?: boolean;
  version: Version;
}

/** Table name → ARN, since API calls address tables by namespace and name. */
export interface TableNameEntry {
  kind: 'table-name';
  key: string;
  tableArn: string;
  version: Version;
}

export type LedgerEntry = TableBucketEntry | TableEntry | TableNameEntry;

export function entryKey(entry: LedgerEntry): string {
  switch (entry.kind) {
    case 'table-bucket':
      return `tb|${entry.arn}`;
    case 'table':
      return `t|${entry.arn}`;
    case 'table-name':
      return `tn|${entry.key}`;
  }
}

function newer(candidate: Version, current: Version | undefined): boolean {
  if (!current) return true;
  if (candidate.time !== current.time) return candidate.time > current.time;
  return candidate.eventId > current.eventId;
}

export interface ProtectedResources {
  keyArn: string;
  tableBuckets: string[];
  tables: string[];
}

/** Read-only view the rules get: they see the posture *before* the event they judge. */
export interface LedgerView {
  tableBucket(arn: string): TableBucketEntry | undefined;
  table(arn: string): TableEntry | undefined;
  tableArnByName(bucketArn: string, namespace: string, name: string): string | undefined;
  protectedBy(keyArn: string): ProtectedResources;
}

/**
 * The posture ledger: what the encryption of each table bucket and table is, and which resources each KMS key
 * protects. Updated by events; every entry carries the version (event time, event id) that set it and ignores
 * older events, so late or reordered delivery converges to the same state.
 */
export class Ledger implements LedgerView {
  private readonly entries = new Map<string, LedgerEntry>();
  private readonly dirty = new Set<string>();

  load(entries: Iterable<LedgerEntry>): void {
    for (const entry of entries) this.entries.set(entryKey(entry), entry);
  }

  all(): LedgerEntry[] {
    return [...this.entries.values()];
  }

  /** Entries changed since the last call, for the state store to persist. */
  takeDirty(): LedgerEntry[] {
    const changed = [...this.dirty].map((key) => this.entries.get(key)).filter((e): e is LedgerEntry => e !== undefined);
    this.dirty.clear();
    return changed;
  }

  tableBucket(arn: string): TableBucketEntry | undefined {
    const entry = this.entries.get(`tb|${arn}`);
    return entry?.kind === 'table-bucket' ? entry : undefined;
  }

  table(arn: string): TableEntry | undefined {
    const entry = this.entries.get(`t|${arn}`);
    return entry?.kind === 'table' ? entry : undefined;
  }

  tableArnByName(bucketArn: string, namespace: string, name: string): string | undefined {
    const entry = this.entries.get(`tn|${tableNameKey(bucketArn, namespace, name)}`);
    return entry?.kind === 'table-name' ? entry.tableArn : undefined;
  }

  protectedBy(keyArn: string): ProtectedResources {
    const result: ProtectedResources = { keyArn, tableBuckets: [], tables: [] };
    for (const entry of this.entries.values()) {
      if (entry.kind === 'table-name' || entry.deleted || entry.encryption?.kmsKeyArn !== keyArn) continue;
      if (entry.kind === 'table-bucket') result.tableBuckets.push(entry.arn);
      else result.tables.push(entry.arn);
    }
    result.tableBuckets.sort();
    result.tables.sort();
    return result;
  }

  /** Every key the ledger knows to protect something, with what it protects. */
  keys(): ProtectedResources[] {
    const keys = new Set<string>();
    for (const entry of this.entries.values()) {
      if (entry.kind !== 'table-name' && !entry.deleted && entry.encryption?.kmsKeyArn) keys.add(entry.encryption.kmsKeyArn);
    }
    return [...keys].sort().map((key) => this.protectedBy(key));
  }

  private put(entry: LedgerEntry): void {
    const key = entryKey(entry);
    const current = this.entries.get(key);
    if (!newer(entry.version, current?.version)) return;
    this.entries.set(key, entry);
    this.dirty.add(key);
  }

  /** Applies a successful event to the posture. Failed calls change nothing. */
  apply(event: CloudTrailEvent): void {
    if (event.errorCode) return;
    if (event.eventSource === S3TABLES_SOURCE) this.applyS3Tables(event);
  }

  private applyS3Tables(event: CloudTrailEvent): void {
    const version: Version = { time: event.eventTimeMs, eventId: event.eventId };
    const target = s3TablesTargetOf(event);
    const bucketArn = target.bucket?.bucketArn;
    if (!bucketArn) return;

    switch (event.eventName) {
      case 'CreateTableBucket': {
        const requested = encryptionConfigOf(event);
        this.put({
          kind: 'table-bucket', arn: bucketArn, version,
          // a table bucket created without a configuration uses SSE-S3
          encryption: requested ?? { sseAlgorithm: 'AES256' },
          encryptionSource: requested ? 'request' : 'default-at-create',
        });
        return;
      }
      case 'PutTableBucketEncryption': {
        const requested = encryptionConfigOf(event);
        if (!requested) return;
        this.put({ ...this.bucketBase(bucketArn), encryption: requested, encryptionSource: 'request', version });
        return;
      }
      case 'DeleteTableBucketEncryption':
        this.put({ ...this.bucketBase(bucketArn), encryption: { sseAlgorithm: 'AES256' }, encryptionSource: 'default-after-delete', version });
        return;
      case 'DeleteTableBucket':
        this.put({ ...this.bucketBase(bucketArn), deleted: true, version });
        return;
      case 'CreateTable': {
        const tableArn = target.tableArn;
        if (!tableArn) return;
        const requested = encryptionConfigOf(event);
        const inheritedFrom = this.tableBucket(bucketArn);
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
        this.put(table);
        if (target.namespace && target.tableName) {
          const key = tableNameKey(bucketArn, target.namespace, target.tableName);
          this.put({ kind: 'table-name', key, tableArn, version });
        }
        return;
      }
      case 'DeleteTable': {
        const tableArn = target.tableArn ?? (target.namespace && target.tableName ? this.tableArnByName(bucketArn, target.namespace, target.tableName) : undefined);
        const existing = tableArn ? this.table(tableArn) : undefined;
        if (existing) this.put({ ...existing, deleted: true, version });
        return;
      }
      default:
        return;
    }
  }

  private bucketBase(arn: string): TableBucketEntry {
    const existing = this.tableBucket(arn);
    return existing ? { ...existing } : { kind: 'table-bucket', arn, version: { time: 0, eventId: '' } };
  }
}

