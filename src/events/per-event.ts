import type { CloudTrailEvent } from './types.js';

/**
 * Rules and the ledger ask the same event the same questions (its key, the resources a data-key call served, its S3
 * Tables target): `perEvent(read)` answers each event once and forgets it with the event.
 */
export function perEvent<T>(read: (event: CloudTrailEvent) => T): (event: CloudTrailEvent) => T {
  const cache = new WeakMap<CloudTrailEvent, T>();
  return (event) => {
    const cached = cache.get(event);
    // one lookup on the hot path; `has` only tells a cached undefined from a miss
    if (cached !== undefined || cache.has(event)) return cached as T;
    const value = read(event);
    cache.set(event, value);
    return value;
  };
}
