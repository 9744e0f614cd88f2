import { printable } from '../alerts/render-text.js';
import type { RemediationOutcome } from './remediate.js';
import { describeCall } from './outcome-finding.js';

/** The outcome under its finding in replay's text output: what was (or would be) called, with which input. */
export function renderOutcomeText(outcome: RemediationOutcome): string {
  const lines = [`         ↳ remediation ${outcome.actionId} [${outcome.mode}] ${printable(outcome.outcome)}${outcome.intent ? `: ${printable(outcome.intent)}` : ''}`];
  const calls = outcome.kind === 'dry-run' ? outcome.wouldCall ?? [] : outcome.calls;
  const verb = outcome.kind === 'dry-run' ? 'would call' : 'called';
  for (const call of calls) lines.push(`           ${verb} ${printable(describeCall(call))}`);
  for (const note of outcome.notes) lines.push(`           note: ${printable(note)}`);
  return lines.join('\n');
}
