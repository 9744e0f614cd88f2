import { EventIdSet } from './event-id-set.js';

/**
 * A replay's event claims, held per span of *event* time (a dedup TTL each) and only for the spans used last: memory
 * follows the events of a few days, not the length of the input (a month of log files held one id per event).
 *
 * A duplicate has its original's event time, so it always meets the span its original was claimed in; that span is
 * dropped only after `keep` other spans were used since. Log files replayed in path order go through time one account
 * and Region at a time, so the span in use and the one before it are those a late copy of an event can be in.
 */
export class EventTimeClaims {
  /** Span index → ids, least recently used first (Map order: a span is moved to the end when it is used again). */
  private readonly spans = new Map<number, EventIdSet>();
  private current = Number.NaN;
  private currentSet: EventIdSet | undefined;

  constructor(
    private readonly spanMs: number,
    private readonly keep = 3,
  ) {}

  get size(): number {
    let size = 0;
    for (const set of this.spans.values()) size += set.size;
    return size;
  }

  /** The spans held, oldest use first (for tests and diagnostics). */
  heldSpans(): number[] {
    return [...this.spans.keys()];
  }

  /** Adds the id at its event time; false when it was already claimed. */
  add(eventId: string, eventTimeMs: number): boolean {
    const span = Math.floor(eventTimeMs / this.spanMs);
    // the same span as the previous event: the common case of a time-ordered log file, no Map work
    const set = span === this.current ? this.currentSet! : this.use(span);
    return set.add(eventId);
  }

  /** Forgets a claim (its time is not known to the caller: every held span is asked). */
  delete(eventId: string): boolean {
    let deleted = false;
    for (const set of this.spans.values()) deleted = set.delete(eventId) || deleted;
    return deleted;
  }

  private use(span: number): EventIdSet {
    let set = this.spans.get(span);
    if (set) {
      this.spans.delete(span);
    } else {
      set = new EventIdSet();
      if (this.spans.size >= this.keep) this.spans.delete(this.spans.keys().next().value!);
    }
    this.spans.set(span, set);
    this.current = span;
    this.currentSet = set;
    return set;
  }
}
