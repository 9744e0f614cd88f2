import { describe, expect, it } from 'vitest';
import { findingsLine, METRIC_NAMES, postureReadsLine } from '../../src/doctor/metrics.js';

describe('metrics lines (Embedded Metric Format)', () => {
  it('count an invocation\'s findings by severity under the stage, and log nothing when there are none', () => {
    const line = JSON.parse(findingsLine([{ severity: 'CRITICAL' }, { severity: 'HIGH' }, { severity: 'CRITICAL' }], 'prod', 'req-1')!);
    expect(line._aws.CloudWatchMetrics).toEqual([{ Namespace: 'SseSentinel', Dimensions: [['stage']], Metrics: [{ Name: 'CriticalFindings', Unit: 'Count' }, { Name: 'HighFindings', Unit: 'Count' }] }]);
    expect(line).toMatchObject({ stage: 'prod', CriticalFindings: 2, HighFindings: 1, requestId: 'req-1' });
    expect(findingsLine([], 'prod')).toBeUndefined();
  });

  it('name only metrics of the published list', () => {
    const emitted = [findingsLine([{ severity: 'INFO' }, { severity: 'LOW' }, { severity: 'MEDIUM' }], 'dev'), postureReadsLine({ scans: 1, catchUps: 2 }, 'dev')]
      .flatMap((text) => JSON.parse(text!)._aws.CloudWatchMetrics[0].Metrics.map((m: { Name: string }) => m.Name));
    expect(emitted.filter((name) => !METRIC_NAMES.includes(name))).toEqual([]);
  });
});
