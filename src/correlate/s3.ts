import { parsePolicyDocument, type PolicyParse } from '../events/policy-document.js';
import type { CloudTrailEvent, JsonObject } from '../events/types.js';
import { normalizeKeyRef, parseS3Arn, partitionOf, s3BucketArn, type KeyRef } from './arn.js';
import type { BucketEncryption } from './ledger-entries.js';

export const S3_SOURCE = 's3.amazonaws.com';

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** `true`, `"true"`, `["true"]` (XML converted to JSON keeps text). */
function asBoolean(value: unknown): boolean | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first === 'boolean') return first;
  if (typeof first === 'string') return first.toLowerCase() === 'true' ? true : first.toLowerCase() === 'false' ? false : undefined;
  return undefined;
}

/** The bucket an S3 event names: `bucketName`, else an `AWS::S3::Bucket` resource. */
export function bucketArnOf(event: CloudTrailEvent): string | undefined {
  const name = str(event.requestParameters['bucketName']);
  // in the event's partition: aws-cn in China, aws-us-gov in GovCloud, as KMS encryption contexts name the bucket there
  if (name) return s3BucketArn(name, partitionOf(event.awsRegion));
  const resource = event.resources.find((r) => r.type === 'AWS::S3::Bucket') ?? event.resources.find((r) => parseS3Arn(r.arn) && !parseS3Arn(r.arn)?.key);
  return resource ? parseS3Arn(resource.arn)?.bucketArn : undefined;
}

/**
 * The object an S3 object call names: `bucketName` + `key` as the caller sent them, else the `AWS::S3::Object`
 * resource CloudTrail lists.
 */
export function objectArnOf(event: CloudTrailEvent): string | undefined {
  const bucket = str(event.requestParameters['bucketName']);
  const key = str(event.requestParameters['key']);
  if (bucket && key) return `${s3BucketArn(bucket, partitionOf(event.awsRegion))}/${key}`;
  return event.resources.find((r) => r.type === 'AWS::S3::Object')?.arn;
}

export interface ParsedBucketEncryption extends BucketEncryption {
  /** How the caller named the key (alias, id or ARN): aliases resolve in the requester's account. */
  keyRef?: KeyRef;
}

/**
 * PutBucketEncryption's body as CloudTrail records it: `ServerSideEncryptionConfiguration` with `Rule` as an object
 * or an array (or the SDK's `Rules`), an `xmlns` key, `BucketKeyEnabled` as boolean or string, and
 * `BlockedEncryptionTypes.EncryptionType` as a string or a list. Returns the first rule's default.
 */
export function bucketEncryptionOf(event: CloudTrailEvent): ParsedBucketEncryption | undefined {
  const config = (event.requestParameters['ServerSideEncryptionConfiguration'] ?? event.requestParameters['serverSideEncryptionConfiguration']) as JsonObject | undefined;
  if (!config || typeof config !== 'object') return undefined;
  const rules = [...asArray(config['Rule']), ...asArray(config['Rules'])].filter((r): r is JsonObject => !!r && typeof r === 'object');
  const rule = rules[0];
  if (!rule) return undefined;
  const byDefault = (rule['ApplyServerSideEncryptionByDefault'] ?? {}) as JsonObject;
  const sseAlgorithm = str(asArray(byDefault['SSEAlgorithm'])[0]);
  if (!sseAlgorithm) return undefined;
  const result: ParsedBucketEncryption = { sseAlgorithm };
  const key = str(asArray(byDefault['KMSMasterKeyID'])[0]);
  if (key) {
    const keyRef = normalizeKeyRef(key, { region: event.awsRegion, accountId: event.principal.accountId ?? event.account });
    result.kmsKeyArn = keyRef?.keyArn ?? keyRef?.aliasArn ?? key;
    if (keyRef) result.keyRef = keyRef;
  }
  const bucketKey = asBoolean(rule['BucketKeyEnabled']);
  if (bucketKey !== undefined) result.bucketKeyEnabled = bucketKey;
  const blocked = rule['BlockedEncryptionTypes'];
  if (blocked !== undefined) {
    const types = blocked && typeof blocked === 'object' && !Array.isArray(blocked) ? (blocked as JsonObject)['EncryptionType'] : blocked;
    result.blockedEncryptionTypes = asArray(types).filter((t): t is string => typeof t === 'string' && t !== 'NONE');
  }
  return result;
}

export function describeBucketEncryption(config: BucketEncryption | undefined): string {
  if (!config) return 'unknown';
  if (config.sseAlgorithm === 'AES256') return 'SSE-S3 (AES256)';
  const key = config.kmsKeyArn ?? 'the AWS managed key aws/s3';
  const bucketKey = config.bucketKeyEnabled ? ', Bucket Key on' : '';
  return `${config.sseAlgorithm === 'aws:kms:dsse' ? 'DSSE-KMS' : 'SSE-KMS'} with ${key}${bucketKey}`;
}

/**
 * The policy of a PutBucketPolicy event: CloudTrail records it parsed under `bucketPolicy` (the `policy` key is the
 * empty sub-resource marker, `""` or `[""]`); a JSON string under `policy` is accepted too.
 */
export function bucketPolicyOf(event: CloudTrailEvent): PolicyParse {
  const request = event.requestParameters;
  if (request['bucketPolicy'] !== undefined) return parsePolicyDocument(request['bucketPolicy']);
  const policy = request['policy'];
  if (typeof policy === 'string' && policy.trim().startsWith('{')) return parsePolicyDocument(policy);
  return { ok: false, reason: 'the event carries no bucket policy' };
}
