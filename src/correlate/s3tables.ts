import type { CloudTrailEvent, JsonObject } from '../events/types.js';
import { perEvent } from '../events/per-event.js';
import { normalizeKeyRef, parseS3TablesArn, tableBucketArn, type S3TablesArn } from './arn.js';

export const S3TABLES_SOURCE = 's3tables.amazonaws.com';
export const S3TABLES_MAINTENANCE_PRINCIPAL = 'maintenance.s3tables.amazonaws.com';

export type SseAlgorithm = 'AES256' | 'aws:kms' | (string & {});

export interface EncryptionConfig {
  sseAlgorithm: SseAlgorithm;
  kmsKeyArn?: string;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** `namespace` is a string in path parameters and a one-element array in CreateNamespace's body. */
export function namespaceOf(value: unknown): string | undefined {
  if (Array.isArray(value)) return str(value[0]);
  return str(value);
}

/**
 * The `encryptionConfiguration` of an event's request, tolerant of key casing. A key given as a bare id or an alias
 * is resolved the way KMS resolves it: in the caller's account and region.
 */
export function encryptionConfigOf(event: Pick<CloudTrailEvent, 'requestParameters' | 'awsRegion' | 'principal' | 'account'>): EncryptionConfig | undefined {
  const parameters = event.requestParameters;
  const config = (parameters['encryptionConfiguration'] ?? parameters['EncryptionConfiguration']) as JsonObject | undefined;
  if (!config || typeof config !== 'object') return undefined;
  const sseAlgorithm = str(config['sseAlgorithm'] ?? config['SSEAlgorithm']);
  if (!sseAlgorithm) return undefined;
  const result: EncryptionConfig = { sseAlgorithm };
  const key = str(config['kmsKeyArn'] ?? config['KMSKeyArn'] ?? config['kmsKeyId']);
  if (key) {
    const ref = normalizeKeyRef(key, { region: event.awsRegion, accountId: event.principal.accountId ?? event.account });
    result.kmsKeyArn = ref?.keyArn ?? ref?.aliasArn ?? key;
  }
  return result;
}

export function isKms(config: { sseAlgorithm?: string | undefined } | undefined): boolean {
  return config?.sseAlgorithm === 'aws:kms' || config?.sseAlgorithm === 'aws:kms:dsse';
}

export function describeEncryption(config: EncryptionConfig | undefined): string {
  if (!config) return 'unknown';
  if (config.sseAlgorithm === 'AES256') return 'SSE-S3 (AES256)';
  return config.kmsKeyArn ? `SSE-KMS with ${config.kmsKeyArn}` : `SSE-KMS (${config.sseAlgorithm}, no key given)`;
}

/** What an S3 Tables event names: its table bucket, namespace, table name and table ARN, where known. */
export interface S3TablesTarget {
  bucket?: S3TablesArn;
  namespace?: string;
  tableName?: string;
  tableArn?: string;
}

/** Rules and the ledger all ask the same event: read it once. */
export const s3TablesTargetOf = perEvent(readS3TablesTarget);

function readS3TablesTarget(event: CloudTrailEvent): S3TablesTarget {
  const request = event.requestParameters;
  const response = event.responseElements;
  const target: S3TablesTarget = {};

  let bucket = parseS3TablesArn(request['tableBucketARN'] ?? request['tableBucketArn']);
  if (!bucket && event.eventName === 'CreateTableBucket') {
    bucket = parseS3TablesArn(response['arn']);
    const name = str(request['name']);
    if (!bucket && name && event.awsRegion && event.account) bucket = parseS3TablesArn(tableBucketArn(event.awsRegion, event.account, name));
  }
  if (!bucket) {
    for (const resource of event.resources) {
      bucket = parseS3TablesArn(resource.arn);
      if (bucket) break;
    }
  }
  if (bucket) target.bucket = bucket;

  const tableArn = parseS3TablesArn(response['tableARN'] ?? response['tableArn'] ?? request['tableARN'] ?? request['tableArn']);
  const fromResources = event.resources.map((r) => parseS3TablesArn(r.arn)).find((arn) => arn?.tableArn);
  const table = tableArn?.tableArn ? tableArn : fromResources;
  if (table?.tableArn) target.tableArn = table.tableArn;

  const namespace = namespaceOf(request['namespace']);
  if (namespace) target.namespace = namespace;
  if (event.eventName !== 'CreateTableBucket' && event.eventName !== 'CreateNamespace') {
    const name = str(request['name']);
    if (name) target.tableName = name;
  }
  return target;
}
