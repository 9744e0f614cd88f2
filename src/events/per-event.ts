import type { CloudTrailEvent } from './types.js';

/** Where an event keeps the answers of `perEvent` readers: a slot per reader, tied to the object it was computed for. */
export const MEMO = Symbol('perEvent');

interface Memo {
  owner: CloudTrailEvent;
  values: unknown[];
}

type Memoized = CloudTrailEvent & { [MEMO]?: Memo };

const UNSET = Symbol('unset');
let slots = 0;

/**
 * Rules and the ledger ask the same event the same questions (its key, the resources a data-key call served, its S3
 * Tables target): `perEvent(read)` answers each event once. The answers live on the event (a WeakMap per reader cost
 * a fifth of classification); a copy made with `{...event}` carries the memo but is not its owner, so it computes anew.
 */
export function perEvent<T>(read: (event: CloudTrailEvent) => T): (event: CloudTrailEvent) => T {
  const slot = slots++;
  return (event) => {
    let memo = (event as Memoized)[MEMO];
    if (memo === undefined || memo.owner !== event) {
      memo = { owner: event, values: new Array<unknown>(slots).fill(UNSET) };
      (event as Memoized)[MEMO] = memo;
    }
    const values = memo.values;
    const cached = slot < values.length ? values[slot] : UNSET;
    if (cached !== UNSET) return cached as T;
    const value = read(event);
    values[slot] = value;
    return value;
  };
}
