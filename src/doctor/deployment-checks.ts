import type { CheckResult } from './checks.js';

const READ_ONLY_STATE = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

export interface RuleFacts {
  name: string;
  state: string;
}

/**
 * The deployment's EventBridge rules: all present, none disabled, the read-only ones in the state that receives
 * read-only management events (in ENABLED they silently receive nothing of it).
 */
export function checkRules(rules: readonly RuleFacts[], prefix: string, expectedCount: number, readOnlyRules: readonly string[]): CheckResult {
  const ours = rules.filter((r) => r.name.startsWith(prefix));
  const problems: string[] = [];
  if (ours.length < expectedCount) problems.push(`${ours.length} rules named ${prefix}*, ${expectedCount} expected`);
  for (const rule of ours) if (rule.state === 'DISABLED') problems.push(`${rule.name} is DISABLED`);
  for (const name of readOnlyRules) {
    const rule = ours.find((r) => r.name === name);
    if (!rule) problems.push(`${name} is missing`);
    else if (rule.state !== READ_ONLY_STATE) problems.push(`${name} is ${rule.state}, not ${READ_ONLY_STATE}: it receives no read-only events`);
  }
  return problems.length === 0
    ? { id: 'rules', ok: true, detail: `${ours.length} rules enabled, read-only ones in ${READ_ONLY_STATE}` }
    : { id: 'rules', ok: false, detail: `${problems.join('; ')}; redeploy (npx serverless deploy)` };
}

export interface FunctionFacts {
  name: string;
  /** false when the function does not exist */
  exists: boolean;
  /** its reserved concurrency; undefined when none is set */
  reserved?: number;
  invokedBy: 'async' | 'queue';
  /** asynchronous functions: where failed events go (undefined: nowhere) */
  onFailure?: string;
  /** queue functions: their event source mappings */
  mappings?: { source: string; state: string; reason?: string }[];
}

/**
 * The deployment's functions as they run, not as they were deployed: each exists and has its reserved concurrency
 * (0 means it cannot run; none means a busy account can starve it), the asynchronous ones keep an on-failure destination
 * (without one a failed event is dropped unseen), and the queue ones an enabled event source mapping (Lambda disables
 * one on its own after errors: an unreadable queue or a failing function; the queue then fills unseen).
 */
export function checkFunctions(functions: readonly FunctionFacts[]): CheckResult {
  const problems: string[] = [];
  for (const fn of functions) {
    if (!fn.exists) {
      problems.push(`${fn.name} does not exist`);
      continue;
    }
    if (fn.reserved === undefined) problems.push(`${fn.name} has no reserved concurrency (a busy account can starve it)`);
    else if (fn.reserved === 0) problems.push(`${fn.name} has reserved concurrency 0: it cannot run`);
    if (fn.invokedBy === 'async' && !fn.onFailure) problems.push(`${fn.name} has no on-failure destination: events that fail are dropped`);
    if (fn.invokedBy === 'queue') {
      if (!fn.mappings?.length) problems.push(`${fn.name} has no event source mapping: its queue is never read`);
      for (const mapping of fn.mappings ?? []) {
        if (mapping.state !== 'Enabled') problems.push(`${fn.name}'s mapping from ${mapping.source} is ${mapping.state}${mapping.reason ? ` (${mapping.reason})` : ''}`);
      }
    }
  }
  return problems.length === 0
    ? { id: 'functions', ok: true, detail: `${functions.length} functions with reserved concurrency, failure destinations and enabled queue mappings` }
    : { id: 'functions', ok: false, detail: `${problems.join('; ')}; redeploy (npx serverless deploy)` };
}

/**
 * With an organization configured, the default bus's policy keeps the statement that lets its member accounts forward
 * their events (PutEvents, on the condition of their organization id); without it their forwarded events are refused
 * and only their own forwarding dead-letter queues know.
 */
export function checkOrganization(organizationId: string | undefined, statementId: string, policy: string | undefined): CheckResult {
  if (!organizationId) return { id: 'organization', ok: true, detail: 'no organization configured (this account\'s events only)' };
  let statements: { Sid?: string; Effect?: string; Action?: string | string[]; Condition?: Record<string, Record<string, unknown>> }[] = [];
  try {
    const document = policy ? (JSON.parse(policy) as { Statement?: unknown }) : {};
    statements = [document.Statement ?? []].flat() as typeof statements;
  } catch {
    return { id: 'organization', ok: false, detail: `the default event bus's policy is not JSON; redeploy (npx serverless deploy)` };
  }
  const ours = statements.find((st) => st.Sid === statementId);
  const allows = ours?.Effect === 'Allow' && [ours.Action].flat().includes('events:PutEvents') && ours.Condition?.['StringEquals']?.['aws:PrincipalOrgID'] === organizationId;
  if (allows) return { id: 'organization', ok: true, detail: `the default event bus accepts events from the accounts of ${organizationId}` };
  return {
    id: 'organization',
    ok: false,
    detail: `${ours ? `the default event bus's statement ${statementId} no longer allows events:PutEvents to ${organizationId}` : `the default event bus has no statement ${statementId}`}: member accounts' forwarded events are refused; redeploy (npx serverless deploy)`,
  };
}

/** The Slack webhook secret: configured and readable, or not configured (then Slack is simply off). */
export function checkSecret(name: string | undefined, read: { found: boolean } | { error: string }): CheckResult {
  if (!name) return { id: 'slack-secret', ok: true, detail: 'no Slack webhook parameter configured (Slack alerts off)' };
  if ('error' in read) return { id: 'slack-secret', ok: false, detail: `${name} cannot be read: ${read.error}` };
  return read.found
    ? { id: 'slack-secret', ok: true, detail: `${name} is readable` }
    : { id: 'slack-secret', ok: true, detail: `${name} does not exist (Slack alerts off); create it as a SecureString to turn them on` };
}

/** The heartbeat: the doctor's own harmless API call came back through CloudTrail, EventBridge and the processor. */
export function checkHeartbeat(lastSeenMs: number | undefined, nowMs: number, maxAgeMs: number): CheckResult {
  if (lastSeenMs === undefined) return { id: 'heartbeat', ok: false, detail: `no heartbeat came back through CloudTrail → EventBridge → processor in the last ${Math.round(maxAgeMs / 60_000)} minutes` };
  const age = nowMs - lastSeenMs;
  return age <= maxAgeMs
    ? { id: 'heartbeat', ok: true, detail: `last heartbeat processed ${Math.round(age / 60_000)} minutes ago` }
    : { id: 'heartbeat', ok: false, detail: `last heartbeat processed ${Math.round(age / 60_000)} minutes ago (more than ${Math.round(maxAgeMs / 60_000)}): events are not getting through` };
}
