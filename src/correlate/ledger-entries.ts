import type { KeyState } from './kms.js';
import type { EncryptionConfig } from './s3tables.js';

/** Which event set a value: values only move forward in event time, whatever the arrival order. */
export interface Version {
  time: number;
  eventId: string;
}

/**
 * Every field of a ledger entry carries the version of the event that set it, so two events touching different fields
 * of the same resource (a key's state and its rotation, a bucket's encryption and its deletion) merge the same way
 * in any arrival order.
 */
export interface Versioned {
  version: Version;
  fieldVersions?: Record<string, Version>;
}

/** One past default encryption of a table bucket: tables inherit the default in force when they were created. */
export interface EncryptionChange {
  time: number;
  eventId: string;
  encryption: EncryptionConfig;
}

export const ENCRYPTION_HISTORY_LIMIT = 50;

export interface TableBucketEntry extends Versioned {
  kind: 'table-bucket';
  arn: string;
  /** The default encryption new tables inherit; undefined when the ledger has not seen it. */
  encryption?: EncryptionConfig;
  /** How the ledger learnt the encryption: from a request, or the SSE-S3 default after a deletion. */
  encryptionSource?: 'request' | 'default-after-delete' | 'default-at-create' | 'inventory';
  /** Every default the ledger has seen, oldest first (at most ENCRYPTION_HISTORY_LIMIT). */
  history?: EncryptionChange[];
  deleted?: boolean;
}

export interface TableEntry extends Versioned {
  kind: 'table';
  arn: string;
  bucketArn: string;
  namespace?: string;
  name?: string;
  /** Fixed at creation: S3 Tables never changes a table's key afterwards. Resolved from the bucket history when inherited. */
  encryption?: EncryptionConfig;
  /** True when CreateTable named no encryption: the bucket default in force at `createdAt` applies. */
  inherited?: boolean;
  createdAt?: Version;
  deleted?: boolean;
}

/** Table name → ARN, since API calls address tables by namespace and name. */
export interface TableNameEntry extends Versioned {
  kind: 'table-name';
  key: string;
  tableArn: string;
}

export interface BucketEncryption extends EncryptionConfig {
  bucketKeyEnabled?: boolean;
  /** e.g. ["SSE-C"]: encryption types the bucket refuses. */
  blockedEncryptionTypes?: string[];
}

/** An S3 general-purpose bucket's default encryption. */
export interface BucketEntry extends Versioned {
  kind: 'bucket';
  arn: string;
  encryption?: BucketEncryption;
  encryptionSource?: 'request' | 'default-after-delete' | 'inventory';
}

/** A KMS key's lifecycle as the events tell it. */
export interface KeyEntry extends Versioned {
  kind: 'key';
  arn: string;
  state?: KeyState;
  /** Epoch ms, for PendingDeletion. */
  deletionDate?: number;
  origin?: string;
  /** Epoch ms when imported key material expires. */
  materialExpiresAt?: number;
  rotationEnabled?: boolean;
}

/** A KMS alias and the key it points to (CreateAlias / UpdateAlias / DeleteAlias). */
export interface AliasEntry extends Versioned {
  kind: 'alias';
  arn: string;
  targetKeyArn?: string;
  deleted?: boolean;
}

/** What a bucket policy (S3) or table bucket policy (S3 Tables) enforces about SSE-KMS. */
export interface PolicyEnforcementEntry extends Versioned {
  kind: 'bucket-policy' | 'table-bucket-policy';
  /** The bucket or table bucket ARN. */
  arn: string;
  enforced: boolean;
  requiredKeys: string[];
  statements: string[];
  deleted?: boolean;
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
  /** Increments since this processor loaded the entry; set on entries handed to a store, never stored. */
  delta?: number;
}

/**
 * When a key last served each resource in a data-key call (the usage counters' lastSeen, summarised per key): blast
 * radius and remediation read it where the counters themselves are loaded only for the events at hand (DynamoDB).
 */
export interface KeyUseEntry {
  kind: 'key-use';
  keyArn: string;
  /** resource ARN → epoch ms of its latest data-key call; the KEY_USE_LIMIT most recent resources. */
  lastUsed: Record<string, number>;
}

/** Resources kept per key in its key-use summary (blast radius shows 20). */
export const KEY_USE_LIMIT = 200;

/** A key's last-use summary from (resource, time) pairs: the KEY_USE_LIMIT most recent resources. */
export function keyUseEntry(keyArn: string, uses: Iterable<[string, number]>): KeyUseEntry {
  return { kind: 'key-use', keyArn, lastUsed: Object.fromEntries(newestUses(uses, KEY_USE_LIMIT)) };
}

/**
 * The `limit` most recent (resource, time) pairs, newest first, ties in the order given (as a stable sort of them all
 * would have them), without copying and sorting them all: each pair is inserted into the short list, or skipped when
 * it is older than the list's last while the list is full.
 */
export function newestUses(uses: Iterable<[string, number]>, limit: number): [string, number][] {
  const newest: [string, number][] = [];
  for (const [resource, time] of uses) {
    if (newest.length === limit && newest[limit - 1]![1] >= time) continue;
    let at = newest.length;
    while (at > 0 && newest[at - 1]![1] < time) at--;
    newest.splice(at, 0, [resource, time]);
    if (newest.length > limit) newest.pop();
  }
  return newest;
}

export type LedgerEntry = TableBucketEntry | TableEntry | TableNameEntry | BucketEntry | KeyEntry | AliasEntry | PolicyEnforcementEntry | UsageEntry | KeyUseEntry;
export type VersionedEntry = Exclude<LedgerEntry, UsageEntry | KeyUseEntry>;

export const USAGE_WINDOW_MS = 60 * 60 * 1000;
/** Windows kept for baselines (and then pruned): the retention horizon of usage counters. */
export const USAGE_RETENTION_WINDOWS = 24 * 7;

/** The start of the usage window an instant falls in: what the ledger counts under, the rules read and prefetch asks for. */
export function usageWindowStart(timeMs: number): number {
  return Math.floor(timeMs / USAGE_WINDOW_MS) * USAGE_WINDOW_MS;
}

/** How usage counter keys start (usageKey): stores tell them from posture entries by it. */
export const USAGE_KEY_PREFIX = 'u|';
/** How key-use summary keys start (entryKey). */
export const KEY_USE_KEY_PREFIX = 'ku|';

export function usageKey(keyArn: string, resource: string, principal: string, operation: string, windowStart: number): string {
  return `${USAGE_KEY_PREFIX}${keyArn}|${resource}|${principal}|${operation}|${windowStart}`;
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
    case 'alias':
      return `a|${entry.arn}`;
    case 'bucket-policy':
      return `bp|${entry.arn}`;
    case 'table-bucket-policy':
      return `tbp|${entry.arn}`;
    case 'usage':
      return entry.key;
    case 'key-use':
      return `${KEY_USE_KEY_PREFIX}${entry.keyArn}`;
  }
}

/** Entries that carry an encryption configuration naming a key. */
export type ProtectedEntry = TableBucketEntry | TableEntry | BucketEntry;

/** Shared by every caller until the posture changes (see Ledger.protectedBy): read-only. */
export interface ProtectedResources {
  readonly keyArn: string;
  readonly tableBuckets: readonly string[];
  readonly tables: readonly string[];
  readonly buckets: readonly string[];
}

/** What rules and appliers read; rules see the posture *before* the event they judge. */
export interface LedgerView {
  tableBucket(arn: string): TableBucketEntry | undefined;
  /** The table bucket's default encryption in force just before `at` (from its history), whatever the arrival order. */
  tableBucketDefaultAt(arn: string, at: Version): EncryptionConfig | undefined;
  table(arn: string): TableEntry | undefined;
  tableArnByName(bucketArn: string, namespace: string, name: string): string | undefined;
  bucket(arn: string): BucketEntry | undefined;
  key(arn: string): KeyEntry | undefined;
  /** The key an alias ARN points to, as far as the ledger knows. */
  resolveAlias(aliasArn: string): string | undefined;
  /** What the bucket's (kind bucket-policy) or table bucket's (table-bucket-policy) policy enforces. */
  policyEnforcement(kind: PolicyEnforcementEntry['kind'], arn: string): PolicyEnforcementEntry | undefined;
  /** Data-key calls counted in one window (0 when none; see Pipeline.prefetch for stores that load counters by key). */
  usage(keyArn: string, resource: string, principal: string, operation: string, windowStart: number): number;
  /** The total count of one (key, resource, principal, operation) over the windows starting in [fromWindow, toWindow). */
  usageTotal(keyArn: string, resource: string, principal: string, operation: string, fromWindow: number, toWindow: number): number;
  protectedBy(keyArn: string): ProtectedResources;
  /** When the key was last seen in a data-key call, per resource it served (epoch ms). */
  lastUsed(keyArn: string): Map<string, number>;
  /** How many resources the key served, and the `limit` it served last (newest first; ties in the order first seen). */
  latestUses(keyArn: string, limit: number): { resources: number; latest: [string, number][] };
}

/** What the per-service appliers may do: read, and put entries (older versions are ignored). */
export interface LedgerWriter extends LedgerView {
  /**
   * Sets the fields of `patch` on the entry (created from `identity` if missing) where `version` is newer than the
   * version that set each field; a field given as undefined is cleared the same way.
   */
  update<E extends VersionedEntry>(identity: Omit<E, 'version' | 'fieldVersions'> & Pick<E, 'kind'>, patch: Partial<E>, version: Version): void;
  /** Records one default encryption of a table bucket in its history. */
  recordBucketDefault(bucketArn: string, change: EncryptionChange): void;
  /** Counters are commutative: increments converge whatever the arrival order (event ids are deduplicated upstream). */
  countUsage(keyArn: string, resource: string, principal: string, operation: string, eventTimeMs: number): void;
}
