import type { Finding } from '../alerts/finding.js';
import { Ledger } from '../correlate/ledger.js';
import type { Policy } from '../policy/policy.js';
import type { RemediationMode } from '../policy/schema.js';
import type { StateStore } from '../state/store.js';
import { isOwnEvent, takeBudget } from './guard.js';
import { actionById } from './index.js';
import { remediationModeFor } from './mode.js';
import type { ApiCall, OutcomeKind, RemediationClients } from './types.js';

export interface RemediationDeps {
  policy: Policy;
  store: StateStore;
  /** Absent offline (replay): nothing is read or written in AWS, and every action is a dry run. */
  clients?: RemediationClients;
  /** The global kill switch (SSM parameter or policy): every action becomes a dry run. */
  killSwitch?: boolean;
  /** The account the remediator runs in: resources of other accounts (organization members) are only alerted. */
  ownAccount?: string;
  now?: () => number;
}

/** What happened, for the log and for the outcome's own alert. */
export interface RemediationOutcome {
  actionId: string;
  /** The mode in effect (enforce becomes dry-run under the kill switch or offline). */
  mode: RemediationMode;
  kind: OutcomeKind;
  /** `applied`, `dry-run`, `skipped: already compliant (…)`, `skipped: budget: …`, `failed: AccessDenied: …` */
  outcome: string;
  resource?: string;
  intent?: string;
  calls: ApiCall[];
  wouldCall?: ApiCall[];
  prior?: unknown;
  after?: unknown;
  retryable?: boolean;
  notes: string[];
}

/** The marker that makes one CloudTrail event trigger an action once, whatever the retries and redeliveries. */
export function onceKey(finding: Pick<Finding, 'eventId'>, actionId: string): string {
  return `remediation|${finding.eventId}|${actionId}`;
}

/**
 * Decide, guard, check, act, verify, record, for one finding. Resolves undefined when there is nothing to say: the rule
 * has no action, only alerts, or this event already had its remediation (a duplicate delivery or retry).
 */
export async function remediate(finding: Finding, deps: RemediationDeps): Promise<RemediationOutcome | undefined> {
  const selected = remediationModeFor(finding, deps.policy);
  if (!selected) return undefined;
  const action = actionById(selected.actionId)!;
  const now = deps.now ?? Date.now;
  const notes: string[] = [];
  let mode: RemediationMode = selected.mode;
  if (mode === 'enforce' && (deps.killSwitch || deps.policy.document.remediation.killSwitch)) {
    mode = 'dry-run';
    notes.push('kill switch on: enforce ran as dry-run');
  }
  if (mode === 'enforce' && !deps.clients) {
    mode = 'dry-run';
    notes.push('offline: enforce ran as dry-run');
  }
  const base = { actionId: action.id, mode, calls: [] as ApiCall[], notes };

  if (isOwnEvent(finding, deps.policy)) {
    return { ...base, kind: 'skipped', outcome: 'skipped: own event (the remediator\'s role made this change)' };
  }
  const planned = action.plan(finding, deps.policy);
  if ('skip' in planned) return { ...base, kind: 'skipped', outcome: `skipped: ${planned.skip}` };
  const { plan } = planned;
  const described = { ...base, resource: plan.resource, intent: plan.intent };
  if (deps.ownAccount && plan.account !== deps.ownAccount) {
    return { ...described, kind: 'skipped', outcome: `skipped: the resource is in account ${plan.account}; the remediator acts in its own account (${deps.ownAccount}) only` };
  }

  if (!(await deps.store.claimEvent(onceKey(finding, action.id), now()))) return undefined;
  const budget = await takeBudget(deps.store, deps.policy, { mode, actionId: action.id, resource: plan.resource, account: plan.account }, now());
  if (!budget.allowed) return { ...described, kind: 'skipped', outcome: `skipped: ${budget.reason}` };

  if (!deps.clients) {
    notes.push('current state not read (offline): these are the calls enforce would make if the resource is still non-compliant');
    return { ...described, kind: 'dry-run', outcome: 'dry-run', wouldCall: plan.calls };
  }
  const result = await action.execute(plan, deps.clients, { dryRun: mode === 'dry-run', policy: deps.policy });
  const outcome: RemediationOutcome = {
    ...described,
    kind: result.kind,
    outcome: result.reason ? `${result.kind}: ${result.reason}` : result.kind,
    calls: result.calls,
    ...(result.wouldCall ? { wouldCall: result.wouldCall } : {}),
    ...(result.prior !== undefined ? { prior: result.prior } : {}),
    ...(result.after !== undefined ? { after: result.after } : {}),
    ...(result.retryable ? { retryable: true } : {}),
  };
  // only a change counts against the budget; a retryable failure may run again
  if (result.kind === 'skipped' || result.kind === 'failed') await budget.release();
  if (result.kind === 'failed' && result.retryable) await deps.store.releaseEvent(onceKey(finding, action.id));
  if (result.kind === 'applied' && result.learn) {
    // the remediator's own CloudTrail events are kept away from the processor, so the ledger learns the change here
    const ledger = new Ledger();
    result.learn(ledger, { time: Math.max(now(), (Date.parse(finding.eventTime) || 0) + 1), eventId: `sse-sentinel-remediation:${finding.eventId}` });
    await deps.store.saveEntries(ledger.takeDirty());
    await deps.store.flush();
  }
  return outcome;
}
