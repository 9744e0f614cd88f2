import type { KeyState } from './kms.js';
import type { EncryptionConfig } from './s3tables.js';

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

export interface BucketEncryption extends EncryptionConfig {
  bucketKeyEnabled?: boolean;
  /** e.g. ["SSE-C"]: encryption types the bucket refuses. */
  blockedEncryptionTypes?: string[];
}

/** An S3 general-purpose bucket's default encryption. */
export interface BucketEntry {
  kind: 'bucket';
  arn: string;
  encryption?: BucketEncryption;
  encryptionSource?: 'request' | 'default-after-delete' | 'inventory';
  version: Version;
}

/** A KMS key's lifecycle as the events tell it. */
export interface KeyEntry {
  kind: 'key';
  arn: string;
  state?: KeyState;
  /** Epoch ms, for PendingDeletion. */
  deletionDate?: number;
  origin?: string;
  /** Epoch ms when imported key material expires. */
  materialExpiresAt?: number;
  rotationEnabled?: boolean;
  version: Version;
}

/** What a bucket policy (S3) or table bucket policy (S3 Tables) enforces about SSE-KMS. */
export interface PolicyEnforcementEntry {
  kind: 'bucket-policy' | 'table-bucket-policy';
  /** The bucket or table bucket ARN. */
  arn: string;
  enforced: boolean;
  requiredKeys: string[];
  statements: string[];
  deleted?: boolean;
  version: Version;
}

/** Data-key calls counted per (key, resource, principal, operation) in fixed windows (see USAGE_WINDOW_MS). */
export interface UsageEntry {
  kind: 'usage';
  key: string;
  keyArn: string;
  /** A bucket, table bucket or table ARN: object-level contexts are counted at their bucket, so entries stay bounded. */
  resource: string;
  /** The role ARN for assumed roles, else the principal id; `*` for per-resource counters. */
  principal: string;
  operation: string;
  windowStart: number;
  count: number;
  lastSeen: number;
}

export type LedgerEntry = TableBucketEntry | TableEntry | TableNameEntry | BucketEntry | KeyEntry | PolicyEnforcementEntry | UsageEntry;

export const USAGE_WINDOW_MS = 60 * 60 * 1000;
/** Windows kept for baselines (and then pruned): the retention horizon of usage counters. */
export const USAGE_RETENTION_WINDOWS = 24 * 7;

export function usageKey(keyArn: string, resource: string, principal: string, operation: string, windowStart: number): string {
  return `u|${keyArn}|${resource}|${principal}|${operation}|${windowStart}`;
}

export function entryKey(entry: LedgerEntry): string {
  switch (entry.kind) {
    case 'table-bucket':
      return `tb|${entry.arn}`;
    case 'table':
      return `t|${entry.arn}`;
    case 'table-name':
      return `tn|${entry.key}`;
    case 'bucket':
      return `b|${entry.arn}`;
    case 'key':
      return `k|${entry.arn}`;
    case 'bucket-policy':
      return `bp|${entry.arn}`;
    case 'table-bucket-policy':
      return `tbp|${entry.arn}`;
    case 'usage':
      return entry.key;
  }
}

/** Entries that carry an encryption configuration naming a key. */
export type ProtectedEntry = TableBucketEntry | TableEntry | BucketEntry;

export interface ProtectedResources {
  keyArn: string;
  tableBuckets: string[];
  tables: string[];
  buckets: string[];
}

/** What rules and appliers read; rules see the posture *before* the event they judge. */
export interface LedgerView {
  tableBucket(arn: string): TableBucketEntry | undefined;
  table(arn: string): TableEntry | undefined;
  tableArnByName(bucketArn: string, namespace: string, name: string): string | undefined;
  bucket(arn: string): BucketEntry | undefined;
  key(arn: string): KeyEntry | undefined;
  /** What the bucket's (kind bucket-policy) or table bucket's (table-bucket-policy) policy enforces. */
  policyEnforcement(kind: PolicyEnforcementEntry['kind'], arn: string): PolicyEnforcementEntry | undefined;
  /** Data-key calls counted in one window (0 when none). */
  usage(keyArn: string, resource: string, principal: string, operation: string, windowStart: number): number;
  protectedBy(keyArn: string): ProtectedResources;
}

/** What the per-service appliers may do: read, and put entries (older versions are ignored). */
export interface LedgerWriter extends LedgerView {
  put(entry: LedgerEntry): void;
  /** Counters are commutative: increments converge whatever the arrival order (event ids are deduplicated upstream). */
  countUsage(keyArn: string, resource: string, principal: string, operation: string, eventTimeMs: number): void;
}
