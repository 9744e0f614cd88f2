import type { CloudTrailEvent } from '../events/types.js';
import type { BucketEntry, LedgerWriter, PolicyEnforcementEntry, Version } from './ledger-entries.js';
import { s3SseEnforcement } from './policy-analysis.js';
import { bucketArnOf, bucketEncryptionOf, bucketPolicyOf } from './s3.js';

export const S3_LEDGER_EVENTS = ['PutBucketEncryption', 'DeleteBucketEncryption', 'PutBucketPolicy', 'DeleteBucketPolicy'] as const;

export function applyS3(event: CloudTrailEvent, ledger: LedgerWriter, version: Version): void {
  const arn = bucketArnOf(event);
  if (!arn) return;
  const policyIdentity = { kind: 'bucket-policy', arn, enforced: false, requiredKeys: [], statements: [] } as const;
  switch (event.eventName) {
    case 'PutBucketEncryption': {
      const parsed = bucketEncryptionOf(event);
      if (!parsed) return;
      const { keyRef: _keyRef, ...encryption } = parsed;
      ledger.update<BucketEntry>({ kind: 'bucket', arn }, { encryption, encryptionSource: 'request' }, version);
      return;
    }
    case 'DeleteBucketEncryption':
      // since January 2023 every bucket has SSE-S3 as its floor
      ledger.update<BucketEntry>({ kind: 'bucket', arn }, { encryption: { sseAlgorithm: 'AES256' }, encryptionSource: 'default-after-delete' }, version);
      return;
    case 'PutBucketPolicy': {
      const parsed = bucketPolicyOf(event);
      if (!parsed.ok) return;
      ledger.update<PolicyEnforcementEntry>({ ...policyIdentity, requiredKeys: [], statements: [] }, { ...s3SseEnforcement(parsed.document), deleted: false }, version);
      return;
    }
    case 'DeleteBucketPolicy':
      ledger.update<PolicyEnforcementEntry>({ ...policyIdentity, requiredKeys: [], statements: [] }, { enforced: false, requiredKeys: [], statements: [], deleted: true }, version);
      return;
    default:
      return;
  }
}
