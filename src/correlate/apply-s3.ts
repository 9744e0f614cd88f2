import type { CloudTrailEvent } from '../events/types.js';
import type { BucketEntry, LedgerWriter, Version } from './ledger-entries.js';
import { s3SseEnforcement } from './policy-analysis.js';
import { bucketArnOf, bucketEncryptionOf, bucketPolicyOf } from './s3.js';

export const S3_LEDGER_EVENTS = ['PutBucketEncryption', 'DeleteBucketEncryption', 'PutBucketPolicy', 'DeleteBucketPolicy'] as const;

export function applyS3(event: CloudTrailEvent, ledger: LedgerWriter, version: Version): void {
  const arn = bucketArnOf(event);
  if (!arn) return;
  switch (event.eventName) {
    case 'PutBucketEncryption': {
      const parsed = bucketEncryptionOf(event);
      if (!parsed) return;
      const { keyRef: _keyRef, ...encryption } = parsed;
      ledger.put({ kind: 'bucket', arn, encryption, encryptionSource: 'request', version });
      return;
    }
    case 'DeleteBucketEncryption': {
      // since January 2023 every bucket has SSE-S3 as its floor
      const entry: BucketEntry = { kind: 'bucket', arn, encryption: { sseAlgorithm: 'AES256' }, encryptionSource: 'default-after-delete', version };
      ledger.put(entry);
      return;
    }
    case 'PutBucketPolicy': {
      const parsed = bucketPolicyOf(event);
      if (!parsed.ok) return;
      ledger.put({ kind: 'bucket-policy', arn, ...s3SseEnforcement(parsed.document), version });
      return;
    }
    case 'DeleteBucketPolicy':
      ledger.put({ kind: 'bucket-policy', arn, enforced: false, requiredKeys: [], statements: [], deleted: true, version });
      return;
    default:
      return;
  }
}
