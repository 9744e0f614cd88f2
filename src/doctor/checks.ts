import type { AdvancedEventSelector, EventSelector } from '@aws-sdk/client-cloudtrail';

/** One self-check: what was checked, whether it holds, and what to do when it does not. */
export interface CheckResult {
  id: string;
  ok: boolean;
  detail: string;
}

export interface TrailFacts {
  arn: string;
  multiRegion: boolean;
  logging: boolean;
  basic: EventSelector[];
  advanced: AdvancedEventSelector[];
  /** The S3 bucket the trail delivers its log files to. */
  bucket?: string;
}

/** A multi-Region trail that is logging: without one, events of other Regions and of stopped trails never arrive. */
export function checkTrail(trails: readonly TrailFacts[]): CheckResult {
  const good = trails.filter((t) => t.multiRegion && t.logging);
  if (good.length > 0) return { id: 'trail', ok: true, detail: `logging multi-Region trail: ${good.map((t) => t.arn).join(', ')}` };
  const seen = trails.map((t) => `${t.arn} (${t.multiRegion ? 'multi-Region' : 'single-Region'}, ${t.logging ? 'logging' : 'not logging'})`);
  return { id: 'trail', ok: false, detail: `no multi-Region trail is logging${seen.length ? `: ${seen.join('; ')}` : ': no trail'}; create one or start logging (aws cloudtrail start-logging --name <trail>)` };
}

/** The resource types of data events a trail records, with the ARN prefixes it limits them to (undefined: all). */
function dataScopes(trail: TrailFacts): Map<string, string[] | undefined> {
  const scopes = new Map<string, string[] | undefined>();
  const add = (type: string, prefixes: string[] | undefined): void => {
    if (scopes.has(type) && scopes.get(type) === undefined) return;
    scopes.set(type, prefixes === undefined ? undefined : [...(scopes.get(type) ?? []), ...prefixes]);
  };
  for (const selector of trail.basic) {
    for (const resource of selector.DataResources ?? []) {
      if (!resource.Type) continue;
      const values = resource.Values ?? [];
      // classic selectors: "arn:aws:s3" (or "arn:aws:s3:::") means every bucket, else bucket/prefix ARNs
      add(resource.Type, values.some((v) => /^arn:[^:]+:s3(:::)?$/.test(v)) ? undefined : values);
    }
  }
  for (const selector of trail.advanced) {
    const fields = selector.FieldSelectors ?? [];
    if (!fields.some((f) => f.Field === 'eventCategory' && f.Equals?.includes('Data'))) continue;
    if (fields.some((f) => f.Field === 'readOnly' && f.Equals?.includes('true'))) continue; // reads only: writes unrecorded
    const arn = fields.find((f) => f.Field === 'resources.ARN');
    const prefixes = arn ? [...(arn.StartsWith ?? []), ...(arn.Equals ?? [])] : undefined;
    for (const type of fields.find((f) => f.Field === 'resources.type')?.Equals ?? []) add(type, prefixes);
  }
  return scopes;
}

/** The literal start of a policy glob (`prod-*` → `prod-`), which a selector's ARN prefix must cover. */
function literalPrefix(glob: string): string {
  const wildcard = glob.search(/[*?]/);
  return wildcard === -1 ? glob : glob.slice(0, wildcard);
}

/** Selector ARN prefixes are literal (StartsWith / Equals): one of them must be a prefix of the pattern's. */
function covers(prefixes: string[] | undefined, arnPrefix: string): boolean {
  return prefixes === undefined || prefixes.some((p) => arnPrefix.startsWith(p));
}

/**
 * Object writes (S3) and table data access (S3 Tables) are data events: for the buckets and table buckets the policy
 * protects, some logging trail must record them, or the object and table rules never see an event.
 */
export function checkDataEvents(trails: readonly TrailFacts[], protectedPatterns: { buckets: string[]; tableBuckets: string[] }, partition = 'aws'): CheckResult {
  const scopes = trails.filter((t) => t.logging).map(dataScopes);
  const gaps: string[] = [];
  for (const pattern of protectedPatterns.buckets) {
    const arnPrefix = pattern.startsWith('arn:') ? literalPrefix(pattern) : `arn:${partition}:s3:::${literalPrefix(pattern)}`;
    if (!scopes.some((s) => s.has('AWS::S3::Object') && covers(s.get('AWS::S3::Object'), arnPrefix))) gaps.push(`S3 object data events for ${pattern}`);
  }
  for (const pattern of protectedPatterns.tableBuckets) {
    const literal = literalPrefix(pattern);
    // a selector prefix covers the pattern when it is a prefix of the pattern's ARN (or of its bucket name part)
    const coversPattern = (prefix: string): boolean => (pattern.startsWith('arn:')
      ? literal.startsWith(prefix)
      : prefix.includes(':bucket/') && `bucket/${literal}`.startsWith(prefix.slice(prefix.indexOf('bucket/'))));
    const recorded = scopes.some((s) => ['AWS::S3Tables::Table', 'AWS::S3Tables::TableBucket'].some((type) => {
      if (!s.has(type)) return false;
      const prefixes = s.get(type);
      return prefixes === undefined || prefixes.some(coversPattern);
    }));
    if (!recorded) gaps.push(`S3 Tables data events for ${pattern}`);
  }
  if (protectedPatterns.buckets.length + protectedPatterns.tableBuckets.length === 0) return { id: 'data-events', ok: true, detail: 'the policy protects no bucket or table bucket by name' };
  return gaps.length === 0
    ? { id: 'data-events', ok: true, detail: 'data events are recorded for every bucket and table bucket the policy protects' }
    : { id: 'data-events', ok: false, detail: `no logging trail records ${gaps.join(', ')}; add advanced event selectors (eventCategory Data, resources.type AWS::S3::Object / AWS::S3Tables::Table)` };
}

/**
 * The logfile function's input: a logging trail delivers its log files to the configured trail bucket, and the bucket
 * sends its Object Created events to EventBridge (else the function never runs and nobody notices). `sendsToEventBridge`
 * is undefined when the bucket's notification configuration was not read.
 */
export function checkLogFiles(trails: readonly TrailFacts[], trailBucket: string | undefined, sendsToEventBridge: boolean | undefined): CheckResult {
  if (!trailBucket) return { id: 'log-files', ok: true, detail: 'no trail bucket configured (--param="trailBucket=…"): log files are not replayed' };
  const delivering = trails.filter((t) => t.logging && t.bucket === trailBucket);
  if (delivering.length === 0) {
    const elsewhere = [...new Set(trails.filter((t) => t.logging && t.bucket).map((t) => t.bucket))];
    return { id: 'log-files', ok: false, detail: `no logging trail delivers to ${trailBucket}${elsewhere.length ? ` (they deliver to ${elsewhere.join(', ')})` : ''}: the logfile function receives nothing; deploy with --param="trailBucket=<the trail's bucket>"` };
  }
  if (sendsToEventBridge === false) {
    return { id: 'log-files', ok: false, detail: `${trailBucket} does not send its events to EventBridge: the logfile function receives nothing; add "EventBridgeConfiguration": {} to the bucket's notification configuration (aws s3api get-bucket-notification-configuration, then put-bucket-notification-configuration with it added: the put replaces the whole configuration)` };
  }
  return { id: 'log-files', ok: true, detail: `${delivering.map((t) => t.arn).join(', ')} deliver${delivering.length === 1 ? 's' : ''} to ${trailBucket}, which sends its events to EventBridge` };
}
