import { bucketArnOf, bucketEncryptionOf, S3_SOURCE, type ParsedBucketEncryption } from '../../correlate/s3.js';
import type { CloudTrailEvent } from '../../events/types.js';

export { S3_SOURCE };
export const S3_DEFAULT_ENCRYPTION_DOCS = 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-encryption.html';
export const S3_BUCKET_KEY_DOCS = 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html';
export const S3_SSE_C_DOCS = 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerSideEncryptionCustomerKeys.html';
export const MITRE_IMPACT_ENCRYPTED = 'MITRE ATT&CK T1486 Data Encrypted for Impact';
export const CIS_S3_ENCRYPTION = 'CIS AWS Foundations Benchmark 2.1.1 Ensure S3 bucket default encryption / encryption in transit and at rest';

export function isKmsAlgorithm(sseAlgorithm: string | undefined): boolean {
  return sseAlgorithm === 'aws:kms' || sseAlgorithm === 'aws:kms:dsse';
}

/** A successful PutBucketEncryption: its bucket and parsed default rule. */
export function putBucketEncryption(event: CloudTrailEvent): { bucketArn: string; requested: ParsedBucketEncryption } | undefined {
  if (event.errorCode || event.eventName !== 'PutBucketEncryption') return undefined;
  const bucketArn = bucketArnOf(event);
  const requested = bucketEncryptionOf(event);
  return bucketArn && requested ? { bucketArn, requested } : undefined;
}

/** The configuration without the parse-only `keyRef`, for finding fields. */
export function plain(config: ParsedBucketEncryption): Omit<ParsedBucketEncryption, 'keyRef'> {
  const { keyRef: _keyRef, ...rest } = config;
  return rest;
}
