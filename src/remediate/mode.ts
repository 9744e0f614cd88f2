import type { Finding } from '../alerts/finding.js';
import type { Policy } from '../policy/policy.js';
import { ACTION_CATALOG, type ActionId } from './catalog.js';

const ACTION_BY_RULE = new Map<string, ActionId>(
  (Object.entries(ACTION_CATALOG) as [ActionId, { ruleIds: readonly string[] }][]).flatMap(([id, entry]) => entry.ruleIds.map((ruleId) => [ruleId, id] as const)),
);

export function actionIdForRule(ruleId: string): ActionId | undefined {
  return ACTION_BY_RULE.get(ruleId);
}

/** The action and mode a finding's remediation runs in, or undefined when the rule has no action or only alerts. */
export function remediationModeFor(finding: Pick<Finding, 'ruleId'>, policy: Policy): { actionId: ActionId; mode: 'dry-run' | 'enforce' } | undefined {
  const actionId = actionIdForRule(finding.ruleId);
  if (!actionId) return undefined;
  const mode = policy.remediationMode(finding.ruleId, true);
  return mode === 'dry-run' || mode === 'enforce' ? { actionId, mode } : undefined;
}
