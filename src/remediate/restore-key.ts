import type { Policy, ResourceRequirements } from '../policy/policy.js';

const KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

/** A whole key ARN, not an alias or a bare id: only those name the same key from every account. */
export function isCompleteKeyArn(value: unknown): value is string {
  return typeof value === 'string' && KEY_ARN.test(value);
}

export interface RestoreKey {
  keyArn: string;
  /** Where it came from, for the alert. */
  source: 'previous configuration' | 'policy remediationKey';
}

/**
 * The key to restore: the previous one when the ledger knew it and the policy approves it, else the policy's
 * remediationKey for the resource. Undefined when neither exists: remediation then only alerts.
 */
export function restoreKeyFor(previousKey: unknown, resourceAccount: string, requirements: ResourceRequirements, policy: Policy): RestoreKey | undefined {
  if (isCompleteKeyArn(previousKey) && policy.judgeKey(previousKey, resourceAccount, requirements).approved) {
    return { keyArn: previousKey, source: 'previous configuration' };
  }
  return requirements.remediationKey ? { keyArn: requirements.remediationKey, source: 'policy remediationKey' } : undefined;
}

export const NO_RESTORE_KEY = 'no approved key to restore: the ledger knows no approved previous SSE-KMS key and the policy names no remediationKey for this resource';

/** Is a key read back from AWS acceptable now? (A person may already have set another approved key.) */
export function acceptableKey(keyArn: unknown, resourceAccount: string, requirements: ResourceRequirements, policy: Policy): boolean {
  return isCompleteKeyArn(keyArn) && policy.judgeKey(keyArn, resourceAccount, requirements).approved;
}
