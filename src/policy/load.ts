import { readFile } from 'node:fs/promises';
import { isMap, isNode, isScalar, LineCounter, parseDocument } from 'yaml';
import { Policy } from './policy.js';
import { REMEDIABLE_RULE_IDS } from '../remediate/catalog.js';
import { policySchema, type PolicyInput } from './schema.js';

export class PolicyError extends Error {
  constructor(
    readonly path: string,
    readonly problems: string[],
  ) {
    super(`invalid policy ${path}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PolicyError';
  }
}

/** A policy from a plain object (defaults applied), for tests and tools; throws a zod error when it is invalid. */
export function policyFromInput(input: PolicyInput = {}): Policy {
  return new Policy(policySchema.parse(input));
}

/** Parses and validates policy text; every problem names its place (`file:line` and the key path). */
export function parsePolicy(text: string, path: string, knownRuleIds?: ReadonlySet<string>): Policy {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    throw new PolicyError(
      path,
      document.errors.map((error) => {
        const line = lineCounter.linePos(error.pos[0]).line;
        return `${path}:${line}: YAML syntax: ${error.message.split('\n')[0]}`;
      }),
    );
  }
  /** The line of the key (for map entries) or the value the path names, else of its nearest ancestor. */
  const lineOf = (keyPath: (string | number)[]): string => {
    for (let length = keyPath.length; length >= 0; length--) {
      const parent = length > 0 ? document.getIn(keyPath.slice(0, length - 1), true) : undefined;
      const pair = isMap(parent) ? parent.items.find((item) => isScalar(item.key) && item.key.value === keyPath[length - 1]) : undefined;
      const node = pair && isNode(pair.key) ? pair.key : document.getIn(keyPath.slice(0, length), true);
      if (isNode(node) && node.range) return `:${lineCounter.linePos(node.range[0]).line}`;
    }
    return '';
  };
  const parsed = policySchema.safeParse(document.toJS() ?? {});
  if (!parsed.success) {
    throw new PolicyError(
      path,
      parsed.error.issues.map((issue) => {
        const keyPath = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
        const where = keyPath.length ? keyPath.join('.') : '(top level)';
        return `${path}${lineOf(keyPath)}: ${where}: ${issue.message}`;
      }),
    );
  }
  if (knownRuleIds) {
    const unknown = Object.keys(parsed.data.rules).filter((id) => !knownRuleIds.has(id));
    if (unknown.length > 0) {
      throw new PolicyError(path, unknown.map((id) => `${path}${lineOf(['rules', id])}: rules.${id}: no rule has this id`));
    }
  }
  const unremediable = Object.entries(parsed.data.rules).filter(([id, setting]) => (setting.mode === 'dry-run' || setting.mode === 'enforce') && !REMEDIABLE_RULE_IDS.has(id));
  if (unremediable.length > 0) {
    throw new PolicyError(path, unremediable.map(([id, setting]) =>
      `${path}${lineOf(['rules', id, 'mode'])}: rules.${id}.mode: ${setting.mode} needs a remediation action, and ${id} has none (modes: off or alert; remediable rules: ${[...REMEDIABLE_RULE_IDS].sort().join(', ')})`));
  }
  return new Policy(parsed.data);
}

export async function loadPolicyFile(path: string, knownRuleIds?: ReadonlySet<string>): Promise<Policy> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new PolicyError(path, [`${path}: cannot read: ${(error as Error).message}`]);
  }
  return parsePolicy(text, path, knownRuleIds);
}
