import { describe, expect, it } from 'vitest';
import { perEvent } from '../../src/events/per-event.js';
import { normalizeRecord } from '../../src/events/normalize.js';
import type { CloudTrailEvent } from '../../src/events/types.js';

function event(keyId: string): CloudTrailEvent {
  const item = normalizeRecord({ eventSource: 'kms.amazonaws.com', eventName: 'Decrypt', eventID: `e-${keyId}`, requestParameters: { keyId } }, { source: 'test' });
  if (item.kind !== 'event') throw new Error('not an event');
  return item.event;
}

describe('perEvent', () => {
  it('reads each event once, undefined answers included, and each reader keeps its own answer', () => {
    const calls: string[] = [];
    const keyOf = perEvent((e) => (calls.push(`key ${e.eventId}`), e.requestParameters['keyId'] as string));
    const nothing = perEvent((e) => void calls.push(`nothing ${e.eventId}`));
    const a = event('k-a');
    const b = event('k-b');
    expect([keyOf(a), keyOf(a), nothing(a), nothing(a), keyOf(b)]).toEqual(['k-a', 'k-a', undefined, undefined, 'k-b']);
    expect(calls).toEqual(['key e-k-a', 'nothing e-k-a', 'key e-k-b']);
  });

  it('answers a copy made with a spread from its own fields, not from the memo it carried over', () => {
    const keyOf = perEvent((e) => e.requestParameters['keyId']);
    const original = event('k-a');
    expect(keyOf(original)).toBe('k-a');
    const changed: CloudTrailEvent = { ...original, requestParameters: { keyId: 'k-b' } };
    expect(keyOf(changed)).toBe('k-b');
    expect(keyOf(original)).toBe('k-a');
  });

  it('serves readers made after an event was first asked', () => {
    const first = perEvent(() => 1);
    const e = event('k-a');
    expect(first(e)).toBe(1);
    const later = perEvent(() => 2);
    expect([later(e), first(e)]).toEqual([2, 1]);
  });
});
