import type { CloudTrailEvent, JsonObject } from '../events/types.js';
import { perEvent } from '../events/per-event.js';
import { normalizeKeyRef, parseArn, parseS3Arn, parseS3TablesArn, type S3Arn, type S3TablesArn } from './arn.js';

export const KMS_SOURCE = 'kms.amazonaws.com';

export type KeyState =
  | 'Enabled'
  | 'Disabled'
  | 'PendingDeletion'
  | 'PendingReplicaDeletion'
  | 'PendingImport'
  | 'Unavailable'
  | 'Deleted';

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** `keyMetadata` as CreateKey returns it; AWS examples spell the account field `AWSAccountId` and `aWSAccountId`. */
export function keyMetadataOf(event: CloudTrailEvent): JsonObject | undefined {
  const metadata = event.responseElements['keyMetadata'];
  return metadata && typeof metadata === 'object' ? (metadata as JsonObject) : undefined;
}

/**
 * The key a KMS event is about, as an ARN where possible: the `resources` entry, the response's `keyId`
 * or `keyMetadata.arn`, KMS's own event resources, else the request's `keyId` resolved in the recipient account
 * (management calls can only name keys of the caller's account by id). Falls back to the raw text.
 */
export const keyOf = perEvent(readKeyOf);

function readKeyOf(event: CloudTrailEvent): string | undefined {
  for (const resource of event.resources) {
    const keyArn = keyArnIn(resource.arn, event);
    if (keyArn) return keyArn;
  }
  const candidates = [
    event.responseElements['keyId'],
    keyMetadataOf(event)?.['arn'],
    event.serviceEventDetails['keyId'],
    event.serviceEventDetails['key-id'],
    event.requestParameters['keyId'],
    event.requestParameters['targetKeyId'],
  ];
  for (const candidate of candidates) {
    const keyArn = keyArnIn(candidate, event);
    if (keyArn) return keyArn;
  }
  return str(event.requestParameters['keyId']);
}

/** The key ARN a value names: a key ARN as it is, else an alias or bare id resolved in the event's account and Region. */
function keyArnIn(value: unknown, event: CloudTrailEvent): string | undefined {
  return plainKeyArn(value) ?? normalizeKeyRef(value, { region: event.awsRegion, accountId: event.account })?.keyArn;
}

/** A key ARN as it is (the common case, read without building a KeyRef); anything else goes through normalizeKeyRef. */
function plainKeyArn(value: unknown): string | undefined {
  const arn = parseArn(value);
  return arn?.service === 'kms' && arn.resource.startsWith('key/') ? arn.arn : undefined;
}

export function encryptionContextOf(event: CloudTrailEvent): JsonObject {
  const context = event.requestParameters['encryptionContext'];
  return context && typeof context === 'object' ? (context as JsonObject) : {};
}

/** What a data-key call's encryption context names, each ARN parsed once (the rules and the ledger all ask). */
export interface ContextTarget {
  /** `aws:s3:arn` as an S3 object or bucket. */
  s3?: S3Arn;
  /** `aws:s3:arn` as an S3 Tables table or table bucket (with or without a path below the table). */
  tables?: S3TablesArn;
  /** `aws:cloudtrail:arn`. */
  trail?: string;
}

export const contextTarget: (event: CloudTrailEvent) => Readonly<ContextTarget> = perEvent(readContextTarget);

function readContextTarget(event: CloudTrailEvent): ContextTarget {
  const context = encryptionContextOf(event);
  const target: ContextTarget = {};
  const s3 = context['aws:s3:arn'];
  // S3 first: its ARNs are matched without the generic parser, and they are most of the data-key traffic
  const object = parseS3Arn(s3);
  if (object) target.s3 = object;
  else {
    const tables = parseS3TablesArn(s3);
    if (tables) target.tables = tables;
  }
  const trail = context['aws:cloudtrail:arn'];
  if (typeof trail === 'string' && parseArn(trail)) target.trail = trail;
  return target;
}

/**
 * The resources a data-key call served, from its encryption context: `aws:s3:arn` is an object ARN (S3 without
 * Bucket Keys), a bucket ARN (with Bucket Keys) or an S3 Tables ARN with a path; `aws:cloudtrail:arn` names a trail.
 */
export const contextResources: (event: CloudTrailEvent) => readonly string[] = perEvent(readContextResources);

function readContextResources(event: CloudTrailEvent): string[] {
  const { s3, tables, trail } = contextTarget(event);
  const out: string[] = [];
  if (s3?.objectArn) out.push(s3.objectArn);
  if (s3) out.push(s3.bucketArn);
  if (tables?.tableArn) out.push(tables.tableArn);
  if (tables) out.push(tables.bucketArn);
  if (trail) out.push(trail);
  return out;
}
