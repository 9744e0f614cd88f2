import type { Finding } from './finding.js';
import type { Occurrences } from './alert.js';

export interface AggregatedAlert {
  finding: Finding;
  occurrences: Occurrences;
}

interface Window {
  first: Finding;
  endsAt: number;
  occurrences: Occurrences;
}

/**
 * Folds repeats of a (ruleId, dedupKey) within its window into one alert that carries the count and the principals
 * and resources involved: a burst of hundreds of access denials is one alert. Time is event time, so replaying a day
 * of logs aggregates the way the live stream would. Windows close when events pass their end, or at flush().
 */
export class AlertAggregator {
  private readonly windows = new Map<string, Window>();
  private latest = 0;

  constructor(private readonly windowMsFor: (ruleId: string) => number) {}

  /** Adds a finding; returns the alerts whose windows it closed. */
  offer(finding: Finding): AggregatedAlert[] {
    const time = Date.parse(finding.eventTime) || this.latest;
    this.latest = Math.max(this.latest, time);
    const key = `${finding.ruleId}|${finding.dedupKey}`;
    const ready: AggregatedAlert[] = [];
    const open = this.windows.get(key);
    if (open && time < open.endsAt) {
      count(open.occurrences, finding, time);
    } else {
      if (open) {
        ready.push(this.close(key, open));
      }
      const windowMs = this.windowMsFor(finding.ruleId);
      const occurrences: Occurrences = { count: 0, firstSeen: finding.eventTime, lastSeen: finding.eventTime, byPrincipal: {}, byResource: {} };
      count(occurrences, finding, time);
      this.windows.set(key, { first: finding, endsAt: time + windowMs, occurrences });
    }
    // close every window the stream has moved past, so memory stays bounded on long replays
    for (const [other, window] of this.windows) if (window.endsAt <= this.latest && other !== key) ready.push(this.close(other, window));
    return ready;
  }

  flush(): AggregatedAlert[] {
    const ready = [...this.windows].map(([key, window]) => this.close(key, window));
    return ready;
  }

  private close(key: string, window: Window): AggregatedAlert {
    this.windows.delete(key);
    return { finding: window.first, occurrences: window.occurrences };
  }
}

function count(occurrences: Occurrences, finding: Finding, time: number): void {
  occurrences.count++;
  if (time >= Date.parse(occurrences.lastSeen)) occurrences.lastSeen = finding.eventTime;
  if (time < Date.parse(occurrences.firstSeen)) occurrences.firstSeen = finding.eventTime;
  occurrences.byPrincipal[finding.principal] = (occurrences.byPrincipal[finding.principal] ?? 0) + 1;
  for (const resource of finding.resources.slice(0, 1)) occurrences.byResource[resource] = (occurrences.byResource[resource] ?? 0) + 1;
}
