import { build, parse, validate } from '@aws-sdk/util-arn-parser';
import { BoundedCache } from '../util/bounded-cache.js';
import { partitionOf } from '../util/partition.js';

export interface ParsedArn {
  /**
   * The ARN text, the first string seen with it: one object for every event that names this ARN, so the Maps keyed by
   * it (usage counters, last use, protectedBy) meet the same string and compare by identity, not character by character.
   */
  arn: string;
  partition: string;
  service: string;
  region: string;
  accountId: string;
  resource: string;
}

/** The same few ARNs recur in every event of a stream; parsing dominated replay profiles before this cache. */
const arnCache = new BoundedCache<ParsedArn | null>();

export function parseArn(text: unknown): Readonly<ParsedArn> | undefined {
  if (typeof text !== 'string') return undefined;
  const cached = arnCache.get(text);
  if (cached !== undefined) return cached ?? undefined;
  let parsed: ParsedArn | null = null;
  if (validate(text)) {
    try {
      parsed = { arn: text, ...parse(text) };
    } catch {
      parsed = null;
    }
  }
  // shared by every caller (no copy per call on the hot path): frozen, so none can change it for the others
  return arnCache.set(text, parsed ? Object.freeze(parsed) : null) ?? undefined;
}

export { partitionOf };

/** Path parameters can arrive URL-encoded (`arn%3Aaws%3As3tables%3A…`). */
function decodeMaybe(text: string): string {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

// ---------------------------------------------------------------- S3 Tables

export interface S3TablesArn {
  partition: string;
  region: string;
  accountId: string;
  bucketName: string;
  bucketArn: string;
  /** The table's id (a UUID) when the ARN names a table. */
  tableId?: string;
  tableArn?: string;
}

/**
 * `…:bucket/<name>/table/<id>/data/<file>` → `…:bucket/<name>/table/<id>`: object paths in encryption contexts are
 * nearly all distinct, and only the first four resource segments are read, so the shorter text keeps parseArn's cache hot.
 */
function withoutObjectPath(text: string): string {
  let at = text.indexOf(':bucket/');
  for (let slash = 0; at >= 0 && slash < 4; slash++) at = text.indexOf('/', at + 1);
  return at < 0 ? text : text.slice(0, at);
}

/**
 * ARNs kept in the ledger (a table's, its bucket's) are built as flat strings: a template literal makes a rope of
 * 32-byte nodes, which a Map key or an entry then keeps alive for as long as the resource is known.
 */
function flat(...parts: string[]): string {
  return parts.join('');
}

const s3TablesCache = new BoundedCache<S3TablesArn | null>();

/**
 * Reads a table bucket or table ARN, plain or URL-encoded, with or without a trailing object path
 * (`…/table/<id>/metadata/…` in encryption contexts). Results are shared (frozen): every data-key call of a table
 * reads the same one, and its strings are the ledger's.
 */
export function parseS3TablesArn(text: unknown): S3TablesArn | undefined {
  if (typeof text !== 'string') return undefined;
  const scope = withoutObjectPath(decodeMaybe(text.trim()));
  const cached = s3TablesCache.get(scope);
  if (cached !== undefined) return cached ?? undefined;
  const result = readS3TablesArn(scope);
  return s3TablesCache.set(scope, result ? Object.freeze(result) : null) ?? undefined;
}

function readS3TablesArn(scope: string): S3TablesArn | undefined {
  const arn = parseArn(scope);
  if (!arn || arn.service !== 's3tables') return undefined;
  const parts = arn.resource.split('/');
  if (parts[0] !== 'bucket' || !parts[1]) return undefined;
  const bucketArn = flat('arn:', arn.partition, ':s3tables:', arn.region, ':', arn.accountId, ':bucket/', parts[1]);
  const result: S3TablesArn = {
    partition: arn.partition,
    region: arn.region,
    accountId: arn.accountId,
    bucketName: parts[1],
    bucketArn,
  };
  if (parts[2] === 'table' && parts[3]) {
    result.tableId = parts[3];
    result.tableArn = flat(bucketArn, '/table/', parts[3]);
  }
  return result;
}

export function tableBucketArn(region: string, accountId: string, bucketName: string): string {
  return build({ partition: partitionOf(region), service: 's3tables', region, accountId, resource: `bucket/${bucketName}` });
}

/** Tables are addressed by namespace and name in API calls but by id in ARNs; this key joins the two. */
export function tableNameKey(bucketArn: string, namespace: string, name: string): string {
  return flat(bucketArn, '#', namespace, '.', name);
}

// ---------------------------------------------------------------- S3

export interface S3Arn {
  bucket: string;
  bucketArn: string;
  key?: string;
  objectArn?: string;
}

const bucketArns = new BoundedCache<string>();

/** Bucket names recur in nearly every S3 data-key call: their ARNs are built once (flat, see flat()) and shared. */
export function s3BucketArn(bucket: string, partition = 'aws'): string {
  const key = partition === 'aws' ? bucket : `${partition}:${bucket}`;
  return bucketArns.get(key) ?? bucketArns.set(key, flat('arn:', partition, ':s3:::', bucket));
}

/**
 * S3 ARNs have no region or account (`arn:aws:s3:::bucket/key`): object ARNs are nearly all distinct, so they would
 * only churn parseArn's cache; this one shape is matched directly.
 */
const S3_ARN = /^arn:(aws[a-z-]*):s3:::([^/]+)(?:\/(.*))?$/s;

export function parseS3Arn(text: unknown): S3Arn | undefined {
  if (typeof text === 'string') {
    const match = S3_ARN.exec(text);
    if (match) {
      const [, partition, bucket, key] = match;
      const result: S3Arn = { bucket: bucket!, bucketArn: s3BucketArn(bucket!, partition) };
      if (key) {
        result.key = key;
        result.objectArn = `${result.bucketArn}/${key}`;
      }
      return result;
    }
  }
  // other services' ARNs (S3 Tables contexts, nearly all distinct) would only churn parseArn's cache
  if (typeof text !== 'string' || !text.includes(':s3:')) return undefined;
  const arn = parseArn(text);
  if (!arn || arn.service !== 's3') return undefined;
  const slash = arn.resource.indexOf('/');
  const bucket = slash === -1 ? arn.resource : arn.resource.slice(0, slash);
  if (!bucket) return undefined;
  const result: S3Arn = { bucket, bucketArn: s3BucketArn(bucket, arn.partition) };
  if (slash !== -1 && slash < arn.resource.length - 1) {
    result.key = arn.resource.slice(slash + 1);
    result.objectArn = `${result.bucketArn}/${result.key}`;
  }
  return result;
}

// ---------------------------------------------------------------- KMS

export type KeyRefKind = 'key-arn' | 'key-id' | 'alias-arn' | 'alias' | 'unknown';

export interface KeyRef {
  kind: KeyRefKind;
  /** The text the caller sent. */
  input: string;
  /** The key ARN, when the reference names a key (an alias needs the ledger to resolve). */
  keyArn?: string;
  aliasArn?: string;
  /** The account the key lives in: the ARN's, or, for bare ids and aliases, the caller's (KMS resolves them there). */
  accountId?: string;
  region?: string;
}

const KEY_ID = /^(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/**
 * A KMS key reference as callers send it (key id, key ARN, alias name, alias ARN) → its ARN.
 * Bare ids and alias names resolve in the *caller's* account and region: that is how KMS reads them.
 */
export function normalizeKeyRef(input: unknown, context: { region: string; accountId: string }): KeyRef | undefined {
  if (typeof input !== 'string' || input.trim().length === 0) return undefined;
  const text = input.trim();
  const arn = parseArn(text);
  if (arn) {
    if (arn.service !== 'kms') return { kind: 'unknown', input: text };
    if (arn.resource.startsWith('key/')) {
      return { kind: 'key-arn', input: text, keyArn: text, accountId: arn.accountId, region: arn.region };
    }
    if (arn.resource.startsWith('alias/')) {
      return { kind: 'alias-arn', input: text, aliasArn: text, accountId: arn.accountId, region: arn.region };
    }
    return { kind: 'unknown', input: text };
  }
  const { region, accountId } = context;
  const partition = partitionOf(region);
  if (KEY_ID.test(text)) {
    return {
      kind: 'key-id', input: text, accountId, region,
      keyArn: region && accountId ? `arn:${partition}:kms:${region}:${accountId}:key/${text.toLowerCase()}` : undefined,
    };
  }
  if (text.startsWith('alias/')) {
    return {
      kind: 'alias', input: text, accountId, region,
      aliasArn: region && accountId ? `arn:${partition}:kms:${region}:${accountId}:${text}` : undefined,
    };
  }
  return { kind: 'unknown', input: text };
}

/** The account a KMS key ARN belongs to. */
export function keyAccount(keyArn: string): string | undefined {
  return parseArn(keyArn)?.accountId;
}
