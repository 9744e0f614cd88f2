import type { BlastRadius, Finding } from '../alerts/finding.js';
import { toIsoSeconds } from '../events/dates.js';
import type { CloudTrailEvent } from '../events/types.js';
import { formatLocation } from '../events/types.js';
import type { Rule, RuleContext } from './rule.js';

const NO_RULES: readonly Rule[] = [];

/** Rules indexed by (eventSource, eventName): an event only meets the rules that can match it. */
export class RuleIndex {
  /** eventSource → eventName → rules (two lookups instead of building a joined key for every event). */
  private readonly byEvent = new Map<string, Map<string, Rule[]>>();

  constructor(readonly rules: readonly Rule[]) {
    const seen = new Set<string>();
    for (const rule of rules) {
      if (seen.has(rule.id)) throw new Error(`duplicate rule id ${rule.id}`);
      seen.add(rule.id);
      for (const trigger of rule.triggers) {
        for (const eventName of trigger.eventNames) {
          let byName = this.byEvent.get(trigger.eventSource);
          if (!byName) this.byEvent.set(trigger.eventSource, (byName = new Map()));
          const list = byName.get(eventName) ?? [];
          list.push(rule);
          byName.set(eventName, list);
        }
      }
    }
  }

  rulesFor(event: Pick<CloudTrailEvent, 'eventSource' | 'eventName'>): readonly Rule[] {
    return this.byEvent.get(event.eventSource)?.get(event.eventName) ?? NO_RULES;
  }

  /** Every (eventSource, eventName) some rule reads, for the deployment's event patterns. */
  triggers(): { eventSource: string; eventName: string }[] {
    return [...this.byEvent].flatMap(([eventSource, byName]) => [...byName.keys()].map((eventName) => ({ eventSource, eventName })));
  }
}

export type RuleErrorHandler = (ruleId: string, event: CloudTrailEvent, error: unknown) => void;

const BLAST_RADIUS_SAMPLE = 20;

function blastRadiusOf(keyArn: string, context: RuleContext): BlastRadius | undefined {
  const { tableBuckets, tables, buckets } = context.ledger.protectedBy(keyArn);
  const usage = context.ledger.latestUses(keyArn, BLAST_RADIUS_SAMPLE);
  if (tableBuckets.length + tables.length + buckets.length === 0 && usage.resources === 0) return undefined;
  const sample = (arns: readonly string[]) => ({ count: arns.length, arns: arns.slice(0, BLAST_RADIUS_SAMPLE) });
  const radius: BlastRadius = { keyArn, tableBuckets: sample(tableBuckets), tables: sample(tables), buckets: sample(buckets) };
  if (usage.resources > 0) radius.lastUsed = Object.fromEntries(usage.latest.map(([arn, time]) => [arn, toIsoSeconds(time)]));
  return radius;
}

/** Runs the matching rules on one event; a rule that throws is reported, never allowed to stop the others. */
export function classify(event: CloudTrailEvent, index: RuleIndex, context: RuleContext, onRuleError?: RuleErrorHandler): Finding[] {
  const findings: Finding[] = [];
  for (const rule of index.rulesFor(event)) {
    if (!context.policy.ruleEnabled(rule.id)) continue;
    let drafts;
    try {
      drafts = rule.match(event, context);
    } catch (error) {
      onRuleError?.(rule.id, event, error);
      continue;
    }
    for (const draft of drafts) {
      const finding: Finding = {
        ruleId: rule.id,
        severity: context.policy.severityFor(rule.id, draft.severity ?? rule.severity),
        title: rule.title,
        summary: draft.summary,
        eventId: event.eventId,
        eventName: event.eventName,
        eventSource: event.eventSource,
        eventTime: event.eventTime,
        account: event.account,
        region: event.awsRegion,
        principal: event.principal.id,
        resources: draft.resources,
        dedupKey: `${rule.id}|${draft.dedupResource ?? draft.resources[0] ?? event.account}`,
        source: formatLocation(event.location),
      };
      if (event.sourceIp) finding.sourceIp = event.sourceIp;
      const { kind, roleArn, sessionName, invokedBy } = event.principal;
      finding.actor = { kind, ...(roleArn ? { roleArn } : {}), ...(sessionName ? { sessionName } : {}), ...(invokedBy ? { invokedBy } : {}), ...(event.userAgent ? { userAgent: event.userAgent } : {}) };
      const category = event.raw['eventCategory'];
      finding.managementEvent = category === undefined ? event.raw['managementEvent'] !== false : category === 'Management';
      if (draft.keyArn) finding.keyArn = draft.keyArn;
      if (draft.previous !== undefined) finding.previous = draft.previous;
      if (draft.current !== undefined) finding.current = draft.current;
      const blastRadius = draft.blastRadius ?? (draft.keyArn ? blastRadiusOf(draft.keyArn, context) : undefined);
      if (blastRadius) finding.blastRadius = blastRadius;
      findings.push(finding);
    }
  }
  return findings;
}
