import { SEVERITY_ORDER, type Finding } from '../alerts/finding.js';
import type { Severity } from '../policy/schema.js';
import type { RemediationOutcome } from './remediate.js';
import type { ApiCall } from './types.js';

export function describeCall(call: ApiCall): string {
  return `${call.service}:${call.operation} ${JSON.stringify(call.input)}`;
}

function atLeast(severity: Severity, floor: Severity): Severity {
  return SEVERITY_ORDER[severity] >= SEVERITY_ORDER[floor] ? severity : floor;
}

/** The finding with its remediation filled in, as the original finding's alert shows it. */
export function withRemediation(finding: Finding, remediation: Finding['remediation']): Finding {
  return { ...finding, ...(remediation ? { remediation } : {}) };
}

/**
 * A remediation outcome as an alert of its own, linked to its finding (same event, rule and resources). Its dedup key
 * names the action and outcome, so a retried delivery sends it once and repeats in a window fold into one alert.
 */
export function outcomeFinding(finding: Finding, outcome: RemediationOutcome): Finding {
  const calls = outcome.kind === 'dry-run' ? outcome.wouldCall ?? [] : outcome.calls;
  const what = outcome.kind === 'dry-run' ? 'would call' : 'calls';
  const summary = [
    `${outcome.actionId} ${outcome.outcome}${outcome.intent ? `: ${outcome.intent}` : ''}`,
    ...(calls.length ? [`${what}: ${calls.map((c) => `${c.service}:${c.operation}`).join(' → ')}`] : []),
    ...outcome.notes,
  ].join('; ');
  return {
    ...finding,
    severity: outcome.kind === 'failed' ? atLeast(finding.severity, 'HIGH') : finding.severity,
    title: `Remediation ${outcome.kind}: ${finding.title}`,
    summary,
    resources: outcome.resource && !finding.resources.includes(outcome.resource) ? [outcome.resource, ...finding.resources] : finding.resources,
    ...(outcome.prior !== undefined ? { previous: outcome.prior } : {}),
    current: {
      ...(outcome.after !== undefined ? { after: outcome.after } : {}),
      ...(outcome.kind === 'dry-run' ? { wouldCall: outcome.wouldCall ?? [] } : { calls: outcome.calls }),
    },
    remediation: { action: outcome.actionId, mode: outcome.mode, outcome: outcome.outcome },
    dedupKey: `${finding.dedupKey}|remediation|${outcome.actionId}|${outcome.kind}`,
  };
}
