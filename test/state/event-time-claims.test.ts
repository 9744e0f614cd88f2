import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventTimeClaims } from '../../src/state/event-time-claims.js';

const HOUR = 3600_000;
const SPAN = 25 * HOUR;
const id = (n: number) => `${n.toString(16).padStart(8, '0')}-0000-4000-8000-${(Math.imul(n, 2654435761) >>> 0).toString(16).padStart(12, '0')}`;

describe('EventTimeClaims', () => {
  it('is a set of event ids while the events fall in the spans it keeps, whatever their order', () => {
    // three spans of event time, any order: nothing is dropped, so each id is claimed once and every repeat refused
    const event = fc.record({ n: fc.nat(30), span: fc.nat(2), offset: fc.nat(SPAN - 1) });
    fc.assert(fc.property(fc.array(event, { maxLength: 200 }), (events) => {
      const claims = new EventTimeClaims(SPAN);
      const model = new Map<number, number>();
      for (const { n, span, offset } of events) {
        // a duplicate carries its original's time
        const time = model.get(n) ?? span * SPAN + offset;
        expect(claims.add(id(n), time)).toBe(!model.has(n));
        model.set(n, time);
      }
      expect(claims.size).toBe(model.size);
    }));
  });

  it('holds the events of the last spans used, not of the whole input: a month of events keeps three days of ids', () => {
    const claims = new EventTimeClaims(SPAN);
    const perHour = 500;
    for (let hour = 0; hour < 30 * 24; hour++) for (let i = 0; i < perHour; i++) claims.add(id(hour * perHour + i), hour * HOUR + i);
    expect(claims.size).toBeLessThanOrEqual(3 * 25 * perHour);
    expect(claims.heldSpans()).toEqual([26, 27, 28]);
    // a late copy of an event of the span before the current one is still refused; one of the first day is not known any more
    expect(claims.add(id(27 * 25 * perHour), 27 * 25 * HOUR)).toBe(false);
    expect(claims.add(id(0), 0)).toBe(true);
  });

  it('keeps the span just left when the replay moves on to another Region whose log files start weeks earlier', () => {
    const claims = new EventTimeClaims(SPAN);
    // us-east-1: ten days, then us-west-2 from the first day again (log files replayed in path order)
    for (let day = 0; day < 10; day++) claims.add(id(day), day * 24 * HOUR);
    const lastEast = 9 * 24 * HOUR;
    claims.add(id(1000), 0);
    claims.add(id(1001), 30 * HOUR);
    // the late copy of the last us-east-1 event is still caught, and so is a repeat in the new Region's spans
    expect(claims.add(id(9), lastEast)).toBe(false);
    expect(claims.add(id(1000), 0)).toBe(false);
  });

  it('forgets a released claim in whichever span holds it', () => {
    const claims = new EventTimeClaims(SPAN);
    claims.add(id(1), 0);
    claims.add(id(2), 2 * SPAN);
    expect(claims.delete(id(1))).toBe(true);
    expect(claims.delete(id(1))).toBe(false);
    expect(claims.add(id(1), 0)).toBe(true);
    expect(claims.add(id(2), 2 * SPAN)).toBe(false);
  });
});
