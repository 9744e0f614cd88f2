import type { Finding } from './alerts/finding.js';
import { usageKeysOf } from './correlate/apply-kms.js';
import { Ledger, ledgerLearnsFrom, USAGE_WINDOW_MS } from './correlate/ledger.js';
import type { CloudTrailEvent } from './events/types.js';
import type { Policy } from './policy/policy.js';
import { RULES } from './rules/index.js';
import { classify, RuleIndex, type RuleErrorHandler } from './rules/engine.js';
import type { StateStore } from './state/store.js';

export interface EventOutcome {
  findings: Finding[];
  /** True when the event id was already processed: nothing was produced for it. */
  duplicate: boolean;
}

export interface PipelineOptions {
  policy: Policy;
  store: StateStore;
  index?: RuleIndex;
  onRuleError?: RuleErrorHandler;
  now?: () => number;
  /** The ledger to start from (see PostureCache.lease); default: one built from the store's posture. Read beside the claims. */
  ledger?: () => Promise<Ledger>;
  /**
   * Remember the events claimed since the last save, to release their claims when the save fails (default true).
   * Replay turns it off: its process ends on a failed save, and the list would grow with every record of a long replay.
   */
  releaseClaimsOnFailedSave?: boolean;
  /**
   * Nothing this pipeline learns is saved (a replay without a state file): usage windows past retention are dropped as
   * event time moves on, once a window, and no change is kept for a save. A replay of months of log files then holds
   * the counters of the retention period, not of the whole input.
   */
  neverSaved?: boolean;
  /**
   * Events to claim while the posture loads (see claimAhead), the requests in flight together: the processor's event
   * waits for one round trip to the state tables before it is judged, not for the posture's and then its claim's.
   */
  claimWhileLoading?: readonly CloudTrailEvent[];
}

/** Claims in flight at once (claimAhead): a batch of a hundred waits for a few round trips to the store, not a hundred. */
const CLAIM_CONCURRENCY = 32;

let builtIn: RuleIndex | undefined;

/** The built-in rules' index, built once per process: a Lambda handler creates a pipeline per invocation. */
function builtInRules(): RuleIndex {
  return (builtIn ??= new RuleIndex(RULES));
}

/**
 * normalize → classify → correlate for one event at a time, the same in replay and in Lambda.
 * Rules judge the posture *before* the event; the ledger then learns from it.
 */
export class Pipeline {
  private current: Ledger = new Ledger();
  readonly index: RuleIndex;
  private readonly now: () => number;
  /** Usage retention is measured in event time, so replaying old log files keeps their counters. */
  private latestEventTime = 0;
  /** The event time usage was last pruned at (see PipelineOptions.neverSaved). */
  private prunedAt = 0;
  /** Events claimed since the last save: if the save fails, their claims are released so a retry counts them. */
  private unsaved: string[] = [];
  /** Usage counter keys already asked of a store that loads them by key (present or not). */
  private readonly requestedUsage = new Set<string>();
  /**
   * Claims made ahead of judging (claimAhead), by event object: won or lost. Keyed by the event, not its id, so that
   * a repeat of an id within one batch meets the claim its own request got.
   */
  private readonly claimedAhead = new Map<CloudTrailEvent, boolean>();

  private constructor(private readonly options: PipelineOptions) {
    this.index = options.index ?? builtInRules();
    this.now = options.now ?? Date.now;
  }

  static async create(options: PipelineOptions): Promise<Pipeline> {
    const pipeline = new Pipeline(options);
    const start = options.ledger ?? (async () => Ledger.of(await options.store.loadEntries()));
    pipeline.current = await pipeline.alongsideClaims(start(), options.claimWhileLoading ?? []);
    return pipeline;
  }

  /**
   * Waits for `work` (reading the posture or the counters) with the events' claims in flight beside it (claimAhead).
   * If either fails, the claims made are released and the error thrown: nothing is judged, and the retry must find its
   * events unclaimed.
   */
  private async alongsideClaims<T>(work: Promise<T>, events: readonly CloudTrailEvent[]): Promise<T> {
    const [done, claims] = await Promise.allSettled([work, this.claimAhead(events)]);
    if (done.status === 'rejected') {
      await this.releaseUnjudged();
      throw done.reason;
    }
    // claimAhead released its own claims before it threw
    if (claims.status === 'rejected') throw claims.reason;
    return done.value;
  }

  /** The posture and counters this pipeline judges against and learns into. */
  get ledger(): Ledger {
    return this.current;
  }

  /**
   * Claims the event, then judges it. A store that claims in memory and reads no counters by key (a replay's) is
   * answered at once: the outcome is returned, not a promise, so the hot path pays no microtask turn per event.
   * Callers that may get either await it.
   */
  process(event: CloudTrailEvent): EventOutcome | Promise<EventOutcome> {
    // an event no rule reads and the ledger does not learn from (most of a log file): not claimed, nothing to judge
    if (!this.reads(event)) return { findings: [], duplicate: false };
    const store = this.options.store;
    if (!store.claimEventNow || store.loadUsage) return this.processAsync(event);
    if (!store.claimEventNow(event.eventId, this.now(), event.eventTimeMs)) return { findings: [], duplicate: true };
    this.claimed(event.eventId);
    return this.judge(event);
  }

  private async processAsync(event: CloudTrailEvent): Promise<EventOutcome> {
    const ahead = this.claimedAhead.get(event);
    if (ahead !== undefined) this.claimedAhead.delete(event);
    const won = ahead ?? (await this.options.store.claimEvent(event.eventId, this.now()));
    if (!won) return { findings: [], duplicate: true };
    if (ahead === undefined) this.claimed(event.eventId);
    if (this.options.store.loadUsage) {
      try {
        await this.prefetch([event]);
      } catch (error) {
        // not judged: the retry must find the event unclaimed
        this.unsaved = this.unsaved.filter((id) => id !== event.eventId);
        await this.options.store.releaseEvent(event.eventId).catch(() => undefined);
        throw error;
      }
    }
    return this.judge(event);
  }

  /** Whether some rule reads the event or the ledger learns from it: process() passes over every other event. */
  reads(event: Pick<CloudTrailEvent, 'eventSource' | 'eventName'>): boolean {
    return this.index.rulesFor(event).length > 0 || ledgerLearnsFrom(event);
  }

  /** Remembers a claim until the next save, unless told not to (see releaseClaimsOnFailedSave). */
  private claimed(eventId: string): void {
    if (this.options.releaseClaimsOnFailedSave !== false) this.unsaved.push(eventId);
  }

  /** Rules judge the posture before the event; the ledger then learns from it. */
  private judge(event: CloudTrailEvent): EventOutcome {
    const findings = classify(event, this.index, { ledger: this.ledger, policy: this.options.policy }, this.options.onRuleError);
    this.ledger.apply(event);
    if (event.eventTimeMs > this.latestEventTime) {
      this.latestEventTime = event.eventTimeMs;
      if (this.options.neverSaved && this.latestEventTime - this.prunedAt >= USAGE_WINDOW_MS) this.pruneNeverSaved();
    }
    return { findings, duplicate: false };
  }

  private pruneNeverSaved(): void {
    this.ledger.pruneUsage(this.latestEventTime);
    this.ledger.discardChanges();
    this.prunedAt = this.latestEventTime;
  }

  /**
   * For a store that loads usage counters by key: fetches, in one go, the counters these events will read and count
   * (process() fetches what is still missing for its event; a batch handler calls this first). No-op otherwise.
   */
  async prefetch(events: readonly CloudTrailEvent[]): Promise<void> {
    const store = this.options.store;
    if (!store.loadUsage) return;
    const baselineHours = this.options.policy.document.kms.usage.baselineHours;
    const wanted = new Set<string>();
    for (const event of events) {
      for (const key of usageKeysOf(event, baselineHours)) if (!this.requestedUsage.has(key) && !this.ledger.hasEntry(key)) wanted.add(key);
    }
    if (wanted.size === 0) return;
    const keys = [...wanted];
    this.ledger.loadUsage(await store.loadUsage(keys));
    // only once read: after a failed read the same keys are asked again
    for (const key of keys) this.requestedUsage.add(key);
  }

  /**
   * Readies a batch for judging, both at once: the usage counters its events read and count (prefetch) and their claims
   * (claimAhead). If either fails, the claims made are released and the error thrown.
   */
  async prepare(events: readonly CloudTrailEvent[]): Promise<void> {
    await this.alongsideClaims(this.prefetch(events), events);
  }

  /**
   * Claims the events a batch is about to judge, their requests in flight together (a store's conditional writes: a
   * batch of a hundred waits for a few round trips instead of a hundred in a row); process() then judges each in
   * order without claiming it again. A store that claims in memory gains nothing and is left to process(). If a claim
   * fails, those made are released and the error thrown; claims of events that are then not judged after all are
   * released by releaseUnjudged (or abandon).
   */
  async claimAhead(batch: readonly CloudTrailEvent[]): Promise<void> {
    const store = this.options.store;
    const events = batch.filter((event) => this.reads(event));
    if (events.length === 0 || (store.claimEventNow && !store.loadUsage)) return;
    const claim = (event: CloudTrailEvent) => store.claimEvent(event.eventId, this.now());
    // every claim settles before this answers: a failure releases all that were won. p-map only for more claims than
    // go out at once: loaded here, so that the processor's cold start (one event) loads one file
    const claims = events.length <= CLAIM_CONCURRENCY
      ? await Promise.allSettled(events.map(claim))
      : await (await import('p-map')).pMapSettled(events, claim, { concurrency: CLAIM_CONCURRENCY });
    claims.forEach((claim, i) => {
      if (claim.status !== 'fulfilled') return;
      this.claimedAhead.set(events[i]!, claim.value);
      if (claim.value) this.claimed(events[i]!.eventId);
    });
    const failed = claims.find((claim) => claim.status === 'rejected');
    if (failed) {
      await this.releaseUnjudged();
      throw failed.reason;
    }
  }

  /** Releases the claims claimAhead made for events that were not judged (a message that failed before them). */
  async releaseUnjudged(): Promise<void> {
    const unjudged = new Set([...this.claimedAhead].filter(([, won]) => won).map(([event]) => event.eventId));
    this.claimedAhead.clear();
    if (unjudged.size === 0) return;
    this.unsaved = this.unsaved.filter((id) => !unjudged.has(id));
    for (const eventId of unjudged) await this.options.store.releaseEvent(eventId).catch(() => undefined);
  }

  /**
   * Gives up the claims of the events processed since the last save, for a caller about to fail the invocation
   * (a log object that broke off midway): its retry must process them again, as their counts were never saved.
   */
  async abandon(): Promise<void> {
    // claimed ahead and not judged: among the unsaved ones, released with them
    this.claimedAhead.clear();
    for (const eventId of this.unsaved) await this.options.store.releaseEvent(eventId).catch(() => undefined);
    this.unsaved = [];
  }

  /**
   * Persists what the ledger learnt, after dropping usage windows past the retention horizon. When the store fails,
   * the claims of the events since the last save are released and the error is thrown: the retry of those events is
   * then processed again instead of being dropped as a duplicate whose counts were never stored.
   */
  async save(): Promise<void> {
    try {
      if (this.latestEventTime > 0) this.ledger.pruneUsage(this.latestEventTime);
      await this.options.store.deleteEntries(this.ledger.takeRemoved());
      await this.options.store.saveEntries(this.ledger.takeDirty());
      await this.options.store.flush();
    } catch (error) {
      await this.abandon();
      throw error;
    }
    this.unsaved = [];
  }
}
