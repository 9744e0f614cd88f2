import { globToRegExp, type Policy } from '../policy/policy.js';
import type { Finding } from './finding.js';

export interface SuppressionMatch {
  reason: string;
  owner: string;
}

interface Compiled {
  test(finding: Finding): boolean;
  reason: string;
  owner: string;
  expiresAt: number;
  label: string;
}

/** Suppressions from the policy file: each entry matches on rule, principal, resource and account globs. */
export class Suppressions {
  private readonly entries: Compiled[];
  /** Expired entries, reported once each. */
  readonly expired: string[] = [];
  readonly counts = new Map<string, number>();

  constructor(policy: Policy, nowMs: number) {
    this.entries = [];
    for (const [index, entry] of policy.document.suppressions.entries()) {
      const expiresAt = Date.parse(entry.expires.length === 10 ? `${entry.expires}T23:59:59Z` : entry.expires);
      const label = `suppressions.${index} (${entry.reason}; owner ${entry.owner})`;
      if (expiresAt < nowMs) {
        this.expired.push(`${label} expired on ${entry.expires} and no longer suppresses`);
        continue;
      }
      const matchers = [
        [entry.rule, (f: Finding) => [f.ruleId]],
        [entry.principal, (f: Finding) => [f.principal, f.actor?.roleArn ?? '']],
        [entry.resource, (f: Finding) => f.resources],
        [entry.account, (f: Finding) => [f.account]],
      ] as const;
      const active = matchers.filter(([glob]) => glob !== undefined).map(([glob, values]) => ({ re: globToRegExp(glob!), values }));
      this.entries.push({ reason: entry.reason, owner: entry.owner, expiresAt, label, test: (f) => active.every(({ re, values }) => values(f).some((v) => re.test(v))) });
    }
  }

  /** The suppression that silences this finding, if any; counted per entry. */
  match(finding: Finding): SuppressionMatch | undefined {
    const entry = this.entries.find((e) => e.test(finding));
    if (!entry) return undefined;
    this.counts.set(entry.label, (this.counts.get(entry.label) ?? 0) + 1);
    return { reason: entry.reason, owner: entry.owner };
  }
}
