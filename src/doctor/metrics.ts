import type { Severity } from '../policy/schema.js';

/**
 * A CloudWatch metric as an Embedded Metric Format log line: Lambda's log pipeline turns it into a metric, with no
 * API call and no SDK client on the cold start. Dimensions stay low-cardinality (the stage).
 */
export function emfLine(metric: string, value: number, stage: string, extra: Record<string, unknown> = {}): string {
  return emfMetricsLine({ [metric]: value }, stage, extra);
}

/** Several counts in one Embedded Metric Format line. */
export function emfMetricsLine(metrics: Record<string, number>, stage: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    _aws: { Timestamp: Date.now(), CloudWatchMetrics: [{ Namespace: 'SseSentinel', Dimensions: [['stage']], Metrics: Object.keys(metrics).map((name) => ({ Name: name, Unit: 'Count' })) }] },
    stage,
    ...metrics,
    ...extra,
  });
}

/**
 * The posture reads of an invocation as metrics (PostureScans, PostureCatchUps), or nothing when it read neither: a
 * warm function that keeps its copy logs no line for it. Scans are what the state table's read cost grows with.
 */
export function postureReadsLine(reads: { scans: number; catchUps: number }, stage: string, requestId?: string): string | undefined {
  if (reads.scans === 0 && reads.catchUps === 0) return undefined;
  return emfMetricsLine({ PostureScans: reads.scans, PostureCatchUps: reads.catchUps }, stage, { level: 'INFO', message: 'posture read', requestId });
}

/** Logs the posture reads a function's cache made since its last report (see postureReadsLine). */
export function logPostureReads(cache: { takeReads(): { scans: number; catchUps: number } }, requestId?: string): void {
  const line = postureReadsLine(cache.takeReads(), process.env['SSE_SENTINEL_STAGE'] ?? 'dev', requestId);
  if (line) console.log(line);
}

/** Findings judged, one metric per severity: what the dashboard charts and an alarm may watch, whatever their delivery. */
export const FINDING_METRICS: Readonly<Record<Severity, string>> = {
  CRITICAL: 'CriticalFindings', HIGH: 'HighFindings', MEDIUM: 'MediumFindings', LOW: 'LowFindings', INFO: 'InfoFindings',
};

/** Every metric the functions emit (namespace SseSentinel, dimension stage): the dashboard and alarms name only these. */
export const METRIC_NAMES: readonly string[] = ['HeartbeatsReceived', 'SelfCheckFailures', 'PostureScans', 'PostureCatchUps', ...Object.values(FINDING_METRICS)];

/** An invocation's findings counted by severity as one metrics line, or nothing when it found none. */
export function findingsLine(findings: readonly { severity: Severity }[], stage: string, requestId?: string): string | undefined {
  if (findings.length === 0) return undefined;
  const counts: Record<string, number> = {};
  for (const { severity } of findings) counts[FINDING_METRICS[severity]] = (counts[FINDING_METRICS[severity]] ?? 0) + 1;
  return emfMetricsLine(counts, stage, { level: 'INFO', message: 'findings', requestId });
}

/** Logs the findings metrics of an invocation (see findingsLine). */
export function logFindings(findings: readonly { severity: Severity }[], requestId?: string): void {
  const line = findingsLine(findings, process.env['SSE_SENTINEL_STAGE'] ?? 'dev', requestId);
  if (line) console.log(line);
}
