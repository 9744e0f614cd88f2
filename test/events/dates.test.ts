import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCloudTrailDate, toIsoSeconds } from '../../src/events/dates.js';

describe('parseCloudTrailDate', () => {
  it.each([
    ['2024-10-14T14:25:29Z', '2024-10-14T14:25:29Z'],
    ['Oct 21, 2024, 2:25:29 PM', '2024-10-21T14:25:29Z'],
    ['Jun 16, 2020 6:21:36 PM', '2020-06-16T18:21:36Z'],
    ['Apr 12, 2021 18:58:30 PM', '2021-04-12T18:58:30Z'],
    ['Jan 1, 2019 12:00:00 AM', '2019-01-01T00:00:00Z'],
    ['Nov 2, 2021, 12:25:25 PM', '2021-11-02T12:25:25Z'],
    ['2024-11-25 17:51:21.000000000', '2024-11-25T17:51:21Z'],
    ['2024-01-01T02:00:00+02:00', '2024-01-01T00:00:00Z'],
  ])('reads %s', (text, iso) => {
    expect(toIsoSeconds(parseCloudTrailDate(text)!)).toBe(iso);
  });

  it('reads epoch seconds and milliseconds', () => {
    expect(parseCloudTrailDate(1_700_000_000)).toBe(1_700_000_000_000);
    expect(parseCloudTrailDate(1_700_000_000_123)).toBe(1_700_000_000_123);
  });

  it.each(['yesterday', '', 'Foo 1, 2020 1:00:00 PM', 'Jan 1, 2020 25:00:00', null, {}])('rejects %j', (text) => {
    expect(parseCloudTrailDate(text)).toBeUndefined();
  });
});

describe('dates out of range', () => {
  it('are not dates (toISOString would throw on them)', () => {
    expect(parseCloudTrailDate(-8640000000000.001)).toBeUndefined();
    expect(parseCloudTrailDate(9e15)).toBeUndefined();
    expect(parseCloudTrailDate(8.64e15)).toBe(8.64e15);
  });
});

describe('toIsoSeconds', () => {
  it('writes second precision the way CloudTrail does, across the whole Date range', () => {
    fc.assert(fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => {
      expect(toIsoSeconds(ms)).toBe(new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));
    }));
    expect(toIsoSeconds(Date.parse('2025-01-10T10:00:00.999Z'))).toBe('2025-01-10T10:00:00Z');
    expect(toIsoSeconds(8.64e15)).toBe('+275760-09-13T00:00:00Z');
  });
});
