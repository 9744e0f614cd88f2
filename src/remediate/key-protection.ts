import type { Finding } from '../alerts/finding.js';
import type { Policy } from '../policy/policy.js';
import { isCompleteKeyArn } from './restore-key.js';

/** Why a key is worth acting on, or undefined: keys the policy protects, and keys known to protect something. */
export function keyProtection(finding: Finding, policy: Policy): string | undefined {
  const keyArn = finding.keyArn;
  if (!isCompleteKeyArn(keyArn)) return undefined;
  if (policy.isProtectedKey(keyArn)) return 'the policy protects it (remediation.protectedKeys)';
  const radius = finding.blastRadius;
  const count = radius ? radius.tableBuckets.count + radius.tables.count + radius.buckets.count : 0;
  if (count > 0) return `it protects ${count} resource${count === 1 ? '' : 's'}`;
  if (radius?.lastUsed && Object.keys(radius.lastUsed).length > 0) return 'data-key calls used it recently';
  return undefined;
}

export const UNPROTECTED_KEY = 'the key is neither in remediation.protectedKeys nor known to protect a resource';
