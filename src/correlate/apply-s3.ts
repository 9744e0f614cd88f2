import type { CloudTrailEvent } from '../events/types.js';
import type { BucketEntry, LedgerWriter, Version } from './ledger-entries.js';
import { bucketArnOf, bucketEncryptionOf } from './s3.js';

export const S3_LEDGER_EVENTS = ['PutBucketEncryption', 'DeleteBucketEncryption'] as const;

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
    default:
      return;
  }
}
