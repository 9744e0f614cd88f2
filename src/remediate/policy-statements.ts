import type { PolicyDocument, PolicyStatement } from '../events/policy-document.js';

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
export function pinnedKeys(statements: readonly PolicyStatement[], isKey: (value: unknown) => boolean): string[] {
  return statements.flatMap((s) => Object.values(s.Condition?.['StringNotEquals'] ?? {})).flat().filter((v): v is string => isKey(v));
}
