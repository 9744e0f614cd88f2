/**
 * A CloudWatch metric as an Embedded Metric Format log line: Lambda's log pipeline turns it into a metric, with no
 * API call and no SDK client on the cold start. Dimensions stay low-cardinality (the stage).
 */
export function emfLine(metric: string, value: number, stage: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    _aws: { Timestamp: Date.now(), CloudWatchMetrics: [{ Namespace: 'SseSentinel', Dimensions: [['stage']], Metrics: [{ Name: metric, Unit: 'Count' }] }] },
    stage,
    [metric]: value,
    ...extra,
  });
}
