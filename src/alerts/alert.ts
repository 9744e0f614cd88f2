import { hexDigest } from '../util/hash.js';
import type { Severity } from '../policy/schema.js';
import type { Rule } from '../rules/rule.js';
import { SEVERITY_ORDER, type BlastRadius, type Finding } from './finding.js';
import { consoleLinks, type AlertLink } from './links.js';

export const ALERT_SCHEMA_VERSION = 1;

/** Repeats of the same (ruleId, dedupKey) folded into one alert. */
export interface Occurrences {
  count: number;
  firstSeen: string;
  lastSeen: string;
  byPrincipal: Record<string, number>;
  byResource: Record<string, number>;
}

/** The one alert model every sink renders (SNS JSON body, Slack Block Kit, console text). */
export interface Alert {
  schemaVersion: typeof ALERT_SCHEMA_VERSION;
  /** Stable for a (rule, dedup key, event): a retried event produces the same id (SNS FIFO deduplicates on it). */
  alertId: string;
  ruleId: string;
  severity: Severity;
  severityScore: number;
  title: string;
  summary: string;
  account: string;
  region: string;
  eventId: string;
  eventName: string;
  eventSource: string;
  eventTime: string;
  actor: { principal: string; kind?: string; roleArn?: string; sessionName?: string; invokedBy?: string; sourceIp?: string; userAgent?: string };
  resources: string[];
  keyArn?: string;
  previous?: unknown;
  current?: unknown;
  blastRadius?: BlastRadius;
  remediation?: Finding['remediation'];
  runbook?: string;
  links: AlertLink[];
  dedupKey: string;
  occurrences?: Occurrences;
  /** Repeats of this (rule, dedup key) that were counted, not sent, in the previous window: "and 41 more since 14:02". */
  repeatsSince?: { count: number; since: string };
  /** Parts cut to fit a sink's size limit, named so the reader knows to follow the links. */
  truncated?: string[];
}

export function alertId(finding: Pick<Finding, 'ruleId' | 'dedupKey' | 'eventId'>): string {
  return hexDigest('sha256', `${finding.ruleId}\u0000${finding.dedupKey}\u0000${finding.eventId}`).slice(0, 32);
}

export function buildAlert(finding: Finding, rule?: Pick<Rule, 'runbook'>, occurrences?: Occurrences): Alert {
  const alert: Alert = {
    schemaVersion: ALERT_SCHEMA_VERSION,
    alertId: alertId(finding),
    ruleId: finding.ruleId,
    severity: finding.severity,
    severityScore: SEVERITY_ORDER[finding.severity],
    title: finding.title,
    summary: finding.summary,
    account: finding.account,
    region: finding.region,
    eventId: finding.eventId,
    eventName: finding.eventName,
    eventSource: finding.eventSource,
    eventTime: finding.eventTime,
    actor: { principal: finding.principal, ...finding.actor, ...(finding.sourceIp ? { sourceIp: finding.sourceIp } : {}) },
    resources: finding.resources,
    links: consoleLinks(finding),
    dedupKey: finding.dedupKey,
  };
  if (finding.keyArn) alert.keyArn = finding.keyArn;
  if (finding.previous !== undefined) alert.previous = finding.previous;
  if (finding.current !== undefined) alert.current = finding.current;
  if (finding.blastRadius) alert.blastRadius = finding.blastRadius;
  if (finding.remediation) alert.remediation = finding.remediation;
  if (rule?.runbook) alert.runbook = rule.runbook;
  if (occurrences && occurrences.count > 1) alert.occurrences = occurrences;
  return alert;
}
