import { parseArn } from '../correlate/arn.js';
import type { CloudTrailEvent } from '../events/types.js';
import type { Policy, ResourceRequirements } from '../policy/policy.js';
import type { FindingDraft } from './rule.js';

/**
 * Shared by the key rules of S3 Tables and S3: a KMS key outside the approved set is HIGH, and CRITICAL when it belongs
 * to an untrusted account (whoever holds that key can make the data unreadable: the ransomware pattern).
 */
export function judgeRequestedKey(
  event: CloudTrailEvent,
  policy: Policy,
  requirements: ResourceRequirements,
  resources: string[],
  keyArn: string | undefined,
  what: string,
  current: unknown,
): FindingDraft[] {
  const owner = parseArn(resources[0])?.accountId || event.account;
  const verdict = policy.judgeKey(keyArn, owner, requirements);
  if (verdict.approved) return [];
  return [{
    summary: `${what} uses KMS key ${keyArn ?? '(none)'}: ${verdict.reason}`,
    resources,
    severity: verdict.untrustedAccount ? 'CRITICAL' : 'HIGH',
    current,
    ...(keyArn ? { keyArn } : {}),
  }];
}
