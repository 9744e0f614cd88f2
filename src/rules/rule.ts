import type { BlastRadius } from '../alerts/finding.js';
import type { LedgerView } from '../correlate/ledger.js';
import type { CloudTrailEvent } from '../events/types.js';
import type { Policy } from '../policy/policy.js';
import type { Severity } from '../policy/schema.js';

export interface RuleContext {
  /** The posture before the event being judged. */
  ledger: LedgerView;
  policy: Policy;
}

/** What a rule says about one event; the engine adds the event's fields. */
export interface FindingDraft {
  summary: string;
  resources: string[];
  /** Overrides the rule's default severity for this finding (e.g. a key of an untrusted account). */
  severity?: Severity;
  keyArn?: string;
  previous?: unknown;
  current?: unknown;
  blastRadius?: BlastRadius;
  /** Defaults to the first resource. */
  dedupResource?: string;
}

export interface RuleTrigger {
  eventSource: string;
  eventNames: readonly string[];
  /**
   * The subset of these events the rule can fire on, as an EventBridge pattern over `detail`. The deployment filters
   * with it so the bulk (successful data-key calls, ordinary object writes) never reaches Lambda; the package test
   * checks that the deployed patterns deliver every event that passes it.
   */
  detailFilter?: Record<string, unknown>;
}

export interface Rule {
  /** Stable, lower-case, dotted: `<service>.<what-happened>`. */
  id: string;
  title: string;
  severity: Severity;
  /** What a person does when this fires, step by step (sent with every alert). */
  runbook: string;
  triggers: readonly RuleTrigger[];
  /**
   * True for the rules that deliberately read failed calls (access-denied rules, the read audit). Every other rule
   * ignores events with an errorCode: a failed call changed nothing.
   */
  readsFailedCalls?: boolean;
  match(event: CloudTrailEvent, context: RuleContext): FindingDraft[];
}

/**
 * What a rule is for and how it is tested: written beside the rule in its file (`<rule>Docs`), collected in
 * RULE_DOCS (rules/docs.ts) for the tests and the catalogue, and kept out of the functions' bundles (no alert reads it).
 */
export interface RuleDocs {
  description: string;
  /** CIS, MITRE ATT&CK and AWS documentation. */
  references: readonly string[];
  /** Fixture files under `events/` (paths relative to it) that must, and must not, produce this finding. */
  fixtures: { positive: readonly string[]; negative: readonly string[] };
}
