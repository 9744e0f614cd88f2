import type { PolicyEnforcementEntry } from '../correlate/ledger-entries.js';
import type { SseEnforcement } from '../correlate/policy-analysis.js';
import { parsePolicyDocument, type PolicyDocument, type PolicyStatement } from '../events/policy-document.js';
import type { CheckedSteps } from './check-and-act.js';
import type { CallRecorder } from './recorder.js';
import { isCompleteKeyArn } from './restore-key.js';
import type { ApiCall } from './types.js';

/**
 * Every statement of `current` except those with the Sids of `statements`, then `statements`: the other statements are
 * kept as they are, and re-running the restore yields the same policy.
 */
export function withStatements(current: PolicyDocument | undefined, statements: readonly PolicyStatement[]): PolicyDocument {
  const ours = new Set(statements.map((s) => s.Sid).filter((sid): sid is string => Boolean(sid)));
  const kept = (current?.Statement ?? []).filter((statement) => !ours.has(statement.Sid ?? ''));
  return { Version: current?.Version ?? '2012-10-17', Statement: [...kept, ...statements] };
}

/** The key ARNs the statements pin with StringNotEquals (what the read-back policy must still require). */
function pinnedKeys(statements: readonly PolicyStatement[]): string[] {
  return statements.flatMap((s) => Object.values(s.Condition?.['StringNotEquals'] ?? {})).flat().filter(isCompleteKeyArn);
}

/** "add A and B to the policy of bucket x (required key …), keeping every other statement", for the plan's intent. */
export function policyIntent(statements: readonly PolicyStatement[], keys: readonly string[], where: string): string {
  return `add ${statements.map((s) => s.Sid).join(' and ')} to the policy of ${where}` +
    (keys.length ? ` (required key ${keys.join(', ')})` : ' (SSE-KMS required; no key known to pin)') + ', keeping every other statement';
}

export interface PolicyRestore {
  /** The bucket or table bucket ARN (the ledger entry's). */
  resource: string;
  ledgerKind: PolicyEnforcementEntry['kind'];
  /** The statements to (re-)add. */
  ours: readonly PolicyStatement[];
  /** What a policy enforces (s3SseEnforcement or s3TablesSseEnforcement). */
  analyze(document: PolicyDocument | undefined): SseEnforcement;
  /** The current policy text, or undefined when the resource has none. */
  read(recorder: CallRecorder): Promise<unknown>;
  /** The put call for a whole policy. */
  put(document: PolicyDocument): ApiCall;
  send(recorder: CallRecorder, call: ApiCall): Promise<void>;
}

/**
 * The check-and-act steps both policy restores share: compliant when the policy read back enforces SSE-KMS and every
 * pinned key; otherwise put the current policy with our statements merged in; verify and teach the ledger the same way.
 */
export function policyRestoreSteps(restore: PolicyRestore): CheckedSteps<PolicyDocument | undefined> {
  const requiredKeys = pinnedKeys(restore.ours);
  const enforces = (document: PolicyDocument | undefined): boolean => {
    const enforcement = restore.analyze(document);
    return enforcement.enforced && requiredKeys.every((key) => enforcement.requiredKeys.includes(key));
  };
  return {
    read: async (recorder) => {
      const text = await restore.read(recorder);
      if (text === undefined) return undefined;
      const parsed = parsePolicyDocument(text);
      if (!parsed.ok) throw new Error(`the current policy cannot be read: ${parsed.reason}`);
      return parsed.document;
    },
    record: (state) => state ?? null,
    needed: (state) => (enforces(state)
      ? { calls: [], compliant: `already compliant (statements ${restore.analyze(state).statements.join(', ')})` }
      : { calls: [restore.put(withStatements(state, restore.ours))] }),
    send: restore.send,
    verify: (after) => (enforces(after) ? undefined : 'the policy read back does not enforce SSE-KMS'),
    learn: (after) => (ledger, version) => {
      ledger.update<PolicyEnforcementEntry>(
        { kind: restore.ledgerKind, arn: restore.resource, enforced: false, requiredKeys: [], statements: [] },
        { ...restore.analyze(after), deleted: false },
        version,
      );
    },
  };
}
