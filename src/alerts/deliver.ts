import type { Policy } from '../policy/policy.js';
import { globToRegExp } from '../policy/policy.js';
import type { SinkRoute } from '../policy/schema.js';
import type { Rule } from '../rules/rule.js';
import { buildAlert, type Alert } from './alert.js';
import { AlertAggregator, type AggregatedAlert } from './dedup.js';
import { SEVERITY_ORDER, type Finding } from './finding.js';
import { Suppressions } from './suppress.js';

export interface AlertSink {
  readonly name: 'slack' | 'sns';
  send(alert: Alert): Promise<void>;
}

export interface DeliveryStats {
  findings: number;
  suppressed: number;
  alerts: number;
  sent: Record<string, number>;
  failures: { sink: string; alertId: string; error: string }[];
}

/** Does the policy route this alert to this sink (minimum severity, rule include/exclude globs)? */
export function routes(policy: Policy | undefined, sink: AlertSink['name'], alert: Pick<Alert, 'ruleId' | 'severity'>): boolean {
  const route: SinkRoute | undefined = policy?.document.alerts.sinks[sink];
  if (!route) return true;
  if (SEVERITY_ORDER[alert.severity] < SEVERITY_ORDER[route.minSeverity]) return false;
  if (route.include && !route.include.some((glob) => globToRegExp(glob).test(alert.ruleId))) return false;
  if (route.exclude?.some((glob) => globToRegExp(glob).test(alert.ruleId))) return false;
  return true;
}

/** The aggregation window of a rule's alerts (policy alerts.dedupMinutesByRule, else alerts.dedupMinutes; 60 by default). */
export function dedupWindowMs(policy: Policy | undefined, ruleId: string): number {
  const settings = policy?.document.alerts;
  return (settings?.dedupMinutesByRule[ruleId] ?? settings?.dedupMinutes ?? 60) * 60_000;
}

/**
 * Findings → suppressions → aggregation → one alert per (rule, dedup key) window → every sink that the policy routes
 * it to. A sink that fails is recorded and the others still get the alert.
 */
export class AlertDispatcher {
  readonly stats: DeliveryStats = { findings: 0, suppressed: 0, alerts: 0, sent: {}, failures: [] };
  readonly suppressions: Suppressions;
  private readonly aggregator: AlertAggregator;
  private readonly rules: Map<string, Rule>;

  constructor(private readonly policy: Policy, private readonly sinks: readonly AlertSink[], rules: readonly Rule[], nowMs = Date.now()) {
    this.suppressions = new Suppressions(policy, nowMs);
    this.aggregator = new AlertAggregator((ruleId) => dedupWindowMs(policy, ruleId));
    this.rules = new Map(rules.map((rule) => [rule.id, rule]));
  }

  async offer(finding: Finding): Promise<void> {
    this.stats.findings++;
    if (this.suppressions.match(finding)) {
      this.stats.suppressed++;
      return;
    }
    await this.deliver(this.aggregator.offer(finding));
  }

  async flush(): Promise<void> {
    await this.deliver(this.aggregator.flush());
  }

  private async deliver(ready: AggregatedAlert[]): Promise<void> {
    for (const { finding, occurrences } of ready) {
      const alert = buildAlert(finding, this.rules.get(finding.ruleId), occurrences);
      this.stats.alerts++;
      for (const sink of this.sinks) {
        if (!routes(this.policy, sink.name, alert)) continue;
        try {
          await sink.send(alert);
          this.stats.sent[sink.name] = (this.stats.sent[sink.name] ?? 0) + 1;
        } catch (error) {
          this.stats.failures.push({ sink: sink.name, alertId: alert.alertId, error: (error as Error).message });
        }
      }
    }
  }
}
