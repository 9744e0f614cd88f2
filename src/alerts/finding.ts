import type { Severity } from '../policy/schema.js';

/** The contract of DESIGN §2: one per line with `replay --format json`. */
export interface Finding {
  ruleId: string;
  severity: Severity;
  title: string;
  /** One line saying why the rule fired, for a person. */
  summary: string;
  eventId: string;
  eventName: string;
  eventSource: string;
  eventTime: string;
  account: string;
  region: string;
  principal: string;
  /** Who, in detail: the caller's kind, role and session, the service that called on its behalf, the user agent. */
  actor?: { kind: string; roleArn?: string; sessionName?: string; invokedBy?: string; userAgent?: string };
  /** Management events have a CloudTrail event-history page; data events do not. */
  managementEvent?: boolean;
  sourceIp?: string;
  resources: string[];
  keyArn?: string;
  previous?: unknown;
  current?: unknown;
  blastRadius?: BlastRadius;
  remediation?: { action: string; mode: string; outcome: string };
  dedupKey: string;
  /** Where the event was read from (file and line), for replay. */
  source?: string;
}

export interface BlastRadius {
  keyArn: string;
  tableBuckets: { count: number; arns: string[] };
  tables: { count: number; arns: string[] };
  buckets: { count: number; arns: string[] };
  /** When data-key calls last used the key for a resource (ISO-8601), from the usage counters; absent when never seen. */
  lastUsed?: Record<string, string>;
}

export const SEVERITY_ORDER: Record<Severity, number> = { INFO: 1, LOW: 2, MEDIUM: 3, HIGH: 4, CRITICAL: 5 };
