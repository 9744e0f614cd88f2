/**
 * EventBridge event-pattern matching, for testing the deployment's patterns against real events.
 * Implements the documented semantics: arrays of alternatives, nested objects, exact strings/numbers/null,
 * `prefix`, `suffix`, `equals-ignore-case`, `anything-but` (value, list, or {prefix}), `exists`, `numeric`,
 * `wildcard`, and `$or`. A pattern field matches an event array when any element matches.
 */
export type Pattern = Record<string, unknown>;

function matchesWildcard(value: string, pattern: string): boolean {
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${escaped}$`, 's').test(value);
}

function matchesNumeric(value: unknown, conditions: unknown[]): boolean {
  if (typeof value !== 'number') return false;
  for (let i = 0; i < conditions.length; i += 2) {
    const op = conditions[i];
    const bound = conditions[i + 1] as number;
    const ok = op === '=' ? value === bound : op === '<' ? value < bound : op === '<=' ? value <= bound : op === '>' ? value > bound : op === '>=' ? value >= bound : false;
    if (!ok) return false;
  }
  return true;
}

/** One alternative of a leaf array against one scalar value. `present` says whether the field exists at all. */
function matchesAlternative(alternative: unknown, value: unknown, present: boolean): boolean {
  if (alternative === null || typeof alternative !== 'object') return present && value === alternative;
  const [operator, operand] = Object.entries(alternative as Record<string, unknown>)[0] ?? [];
  switch (operator) {
    case 'exists':
      return operand === present;
    case 'prefix':
      return present && typeof value === 'string' && (typeof operand === 'string' ? value.startsWith(operand) : value.toLowerCase().startsWith(String((operand as { 'equals-ignore-case': string })['equals-ignore-case']).toLowerCase()));
    case 'suffix':
      return present && typeof value === 'string' && typeof operand === 'string' && value.endsWith(operand);
    case 'equals-ignore-case':
      return present && typeof value === 'string' && value.toLowerCase() === String(operand).toLowerCase();
    case 'wildcard':
      return present && typeof value === 'string' && matchesWildcard(value, String(operand));
    case 'numeric':
      return present && matchesNumeric(value, operand as unknown[]);
    case 'anything-but': {
      if (!present) return false;
      if (Array.isArray(operand)) return !operand.includes(value);
      if (operand !== null && typeof operand === 'object') return !matchesAlternative(operand, value, present);
      return value !== operand;
    }
    default:
      throw new Error(`unsupported pattern operator ${String(operator)}`);
  }
}

function matchesLeaf(alternatives: unknown[], value: unknown, present: boolean): boolean {
  const values = Array.isArray(value) ? value : [value];
  if (Array.isArray(value) && value.length === 0) return alternatives.some((alt) => matchesAlternative(alt, undefined, false));
  return alternatives.some((alt) => values.some((v) => matchesAlternative(alt, v, present)));
}

export function matchesPattern(pattern: Pattern, event: unknown): boolean {
  const object = (event ?? {}) as Record<string, unknown>;
  for (const [key, expected] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!(expected as Pattern[]).some((branch) => matchesPattern(branch, event))) return false;
      continue;
    }
    const present = Object.prototype.hasOwnProperty.call(object, key) && object[key] !== undefined;
    const value = object[key];
    if (Array.isArray(expected)) {
      if (!matchesLeaf(expected, value, present)) return false;
    } else if (expected !== null && typeof expected === 'object') {
      if (!present || value === null || typeof value !== 'object' || Array.isArray(value)) {
        // a nested pattern on a missing object can still match through {exists:false} leaves only
        if (!matchesPattern(expected as Pattern, {})) return false;
      } else if (!matchesPattern(expected as Pattern, value)) return false;
    } else {
      throw new Error(`pattern field ${key} must be an array or an object`);
    }
  }
  return true;
}
