import type { Finding } from '../alerts/finding.js';
import type { Policy } from '../policy/policy.js';
import type { StateStore } from '../state/store.js';

const MINUTE_MS = 60_000;

/**
 * Events the remediator's own role caused are never acted on: its calls would otherwise come back through CloudTrail
 * and trigger it again (Cloud Custodian's CreateBucket/PutBucketPolicy loop ran ~4000 invocations per bucket).
 * The EventBridge patterns exclude the role too; this is the same check in code, in case a pattern is edited.
 */
export function isOwnEvent(finding: Pick<Finding, 'principal' | 'actor'>, policy: Policy): boolean {
  return policy.isSelfRole(finding.actor?.roleArn) || policy.isSelfRole(finding.principal);
}

export type BudgetVerdict = { allowed: true; release: () => Promise<void> } | { allowed: false; reason: string };

/**
 * At most one action per resource per window, and an account-wide circuit breaker: more than N actions in a minute
 * switches every action to alert-only for a while. Both live in the state store, so they hold across invocations
 * and concurrent execution environments. Dry runs count in their own budget, so a dry run predicts enforce exactly.
 */
export async function takeBudget(store: StateStore, policy: Policy, scope: { mode: string; actionId: string; resource: string; account: string }, nowMs: number): Promise<BudgetVerdict> {
  const settings = policy.document.remediation;
  const breakerKey = `remediation-breaker|${scope.mode}|${scope.account}`;
  if ((await store.readCounter(breakerKey, nowMs)) > 0) {
    return { allowed: false, reason: `circuit breaker open: more than ${settings.maxActionsPerMinute} actions in a minute in account ${scope.account}; alert-only for ${settings.breakerMinutes} minutes` };
  }
  const resourceKey = `remediation-budget|${scope.mode}|${scope.actionId}|${scope.resource}`;
  if (!(await store.claimEvent(resourceKey, nowMs, settings.perResourceMinutes * MINUTE_MS))) {
    return { allowed: false, reason: `budget: ${scope.actionId} already acted on this resource in the last ${settings.perResourceMinutes} minutes` };
  }
  const minute = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS;
  const count = await store.incrementCounter(`remediation-rate|${scope.mode}|${scope.account}|${minute}`, nowMs, 2 * MINUTE_MS);
  if (count > settings.maxActionsPerMinute) {
    await store.incrementCounter(breakerKey, nowMs, settings.breakerMinutes * MINUTE_MS);
    await store.releaseEvent(resourceKey);
    return { allowed: false, reason: `circuit breaker tripped: ${count} actions in a minute in account ${scope.account} (limit ${settings.maxActionsPerMinute}); alert-only for ${settings.breakerMinutes} minutes` };
  }
  return { allowed: true, release: () => store.releaseEvent(resourceKey) };
}
