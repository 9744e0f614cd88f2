import type { EncryptionConfig } from '../../correlate/s3tables.js';
import type { CloudTrailEvent } from '../../events/types.js';
import type { Policy } from '../../policy/policy.js';
import type { FindingDraft } from '../rule.js';
import { ownerAccount } from './common.js';

/**
 * Shared by the table-bucket and table key rules: a KMS key outside the approved set is HIGH, and CRITICAL when
 * it belongs to an untrusted account (whoever holds that key can make the data unreadable: the ransomware pattern).
 */
export function judgeRequestedKey(
  event: CloudTrailEvent,
  policy: Policy,
  bucketArn: string,
  resourceArn: string,
  requested: EncryptionConfig,
  what: string,
): FindingDraft[] {
  const requirements = policy.forTableBucket(bucketArn);
  const verdict = policy.judgeKey(requested.kmsKeyArn, ownerAccount(resourceArn, event), requirements);
  if (verdict.approved) return [];
  const resources = resourceArn === bucketArn ? [bucketArn] : [resourceArn, bucketArn];
  return [{
    summary: `${what} uses KMS key ${requested.kmsKeyArn ?? '(none)'}: ${verdict.reason}`,
    resources,
    severity: verdict.untrustedAccount ? 'CRITICAL' : 'HIGH',
    current: requested,
    ...(requested.kmsKeyArn ? { keyArn: requested.kmsKeyArn } : {}),
  }];
}
