import type { PolicyEnforcementEntry } from '../correlate/ledger.js';
import type { SseEnforcement } from '../correlate/policy-analysis.js';
import type { FindingDraft } from './rule.js';

/**
 * Shared by the S3 and S3 Tables policy rules: a policy change that drops SSE-KMS enforcement the ledger knew, or
 * that leaves a resource the user's policy requires SSE-KMS for without enforcement.
 */
export function judgeEnforcement(
  resourceArn: string,
  previous: PolicyEnforcementEntry | undefined,
  next: SseEnforcement | 'deleted',
  required: boolean,
  what: string,
): FindingDraft[] {
  const enforcedNow = next !== 'deleted' && next.enforced;
  if (enforcedNow) return [];
  const knewEnforced = previous?.enforced === true && !previous.deleted;
  if (!knewEnforced && !required) return [];
  const change = next === 'deleted' ? `${what} deleted` : `new ${what} does not deny non-SSE-KMS writes`;
  const why = knewEnforced
    ? `it enforced SSE-KMS (statements ${previous!.statements.join(', ')}${previous!.requiredKeys.length ? `; required key ${previous!.requiredKeys.join(', ')}` : ''})`
    : 'the policy file requires SSE-KMS for this resource';
  return [{
    summary: `${change}: ${why}`,
    resources: [resourceArn],
    ...(previous ? { previous: { enforced: previous.enforced, requiredKeys: previous.requiredKeys, statements: previous.statements } } : {}),
    current: next === 'deleted' ? { enforced: false, policy: 'deleted' } : { enforced: false, requiredKeys: next.requiredKeys },
    ...(previous?.requiredKeys[0] ? { keyArn: previous.requiredKeys[0] } : {}),
  }];
}
