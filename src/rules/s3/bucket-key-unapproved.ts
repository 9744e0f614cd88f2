import type { Rule, RuleDocs } from '../rule.js';
import { judgeRequestedKey } from '../key-verdict.js';
import { isKmsAlgorithm, MITRE_IMPACT_ENCRYPTED, plain, putBucketEncryption, S3_DEFAULT_ENCRYPTION_DOCS, S3_SOURCE } from './common.js';

export const s3BucketKeyUnapproved: Rule = {
  id: 's3.bucket-key-unapproved',
  title: 'S3 bucket default encryption uses an unapproved KMS key',
  severity: 'HIGH',
  runbook: [
    '1. Put back the approved key now (by ARN, BucketKeyEnabled: true): aws s3api put-bucket-encryption ….',
    '2. Objects written meanwhile are encrypted under the foreign key: copy them in place with --ssekms-key-id <approved key ARN> while it still works.',
    '3. If the key is legitimate, add it to approvedKeys or its account to trustedAccounts in the policy.',
  ].join('\n'),
  triggers: [{ eventSource: S3_SOURCE, eventNames: ['PutBucketEncryption'] }],
  match(event, { policy }) {
    const put = putBucketEncryption(event);
    if (!put || !isKmsAlgorithm(put.requested.sseAlgorithm) || !put.requested.kmsKeyArn) return [];
    return judgeRequestedKey(event, policy, policy.forBucket(put.bucketArn), [put.bucketArn], put.requested.kmsKeyArn, 'bucket default encryption', plain(put.requested));
  },
};

export const s3BucketKeyUnapprovedDocs: RuleDocs = {
  description:
    'PutBucketEncryption named a KMS key outside the approved set (by default: a key of an account that is neither the bucket\'s nor ' +
    'trusted). A key of an untrusted account is CRITICAL: re-keying a bucket to an attacker\'s key, then revoking access, is how S3 ' +
    'ransomware works without touching the objects.',
  references: [MITRE_IMPACT_ENCRYPTED, S3_DEFAULT_ENCRYPTION_DOCS],
  fixtures: { positive: ['s3/PutBucketEncryption.foreign-key.json'], negative: ['s3/PutBucketEncryption.kms-rule-array.json'] },
};
