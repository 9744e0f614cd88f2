import { BoundedCache } from '../util/bounded-cache.js';

/** ECMAScript dates span ±8.64e15 ms around the epoch; beyond, toISOString throws. */
const MAX_DATE_MS = 8.64e15;

const MONTHS: Record<string, number> = {
  jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11,
};

// "Oct 21, 2024, 2:25:29 PM", "Jun 16, 2020 6:21:36 PM", "Apr 12, 2021 18:58:30 PM" (a doc example with an impossible hour)
const JAVA_DATE = /^([A-Za-z]{3})[a-z]*\.? (\d{1,2}), (\d{4}),? (\d{1,2}):(\d{2}):(\d{2})(?:\s*([AaPp][Mm]))?$/;
// ISO-8601 and the "2024-11-25 17:51:21.000000000" form some log pipelines rewrite eventTime into
const ISO_LIKE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parses the date formats found in CloudTrail records: ISO-8601 at the top level and Java's
 * `MMM d, yyyy[,] h:mm:ss a` inside request/response payloads. Times without a zone are UTC.
 * Returns epoch milliseconds, or undefined when the text is not a date.
 */
export function parseCloudTrailDate(text: unknown): number | undefined {
  if (typeof text === 'number' && Number.isFinite(text)) {
    // epoch seconds (as the SDK sends them) or milliseconds; a number outside the range of dates is not a date
    const ms = text < 1e11 ? text * 1000 : text;
    return Math.abs(ms) <= MAX_DATE_MS ? ms : undefined;
  }
  if (typeof text !== 'string') return undefined;
  const value = text.trim();
  const iso = ISO_LIKE.exec(value);
  if (iso) {
    const [, y, mo, d, h, mi, s, frac, zone] = iso;
    const ms = frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
    let epoch = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
    if (zone && zone !== 'Z') {
      const sign = zone.startsWith('-') ? -1 : 1;
      const digits = zone.slice(1).replace(':', '');
      epoch -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
    }
    return Number.isNaN(epoch) ? undefined : epoch;
  }
  const java = JAVA_DATE.exec(value);
  if (java) {
    const [, mon, d, y, h, mi, s, ampm] = java;
    const month = MONTHS[mon!.toLowerCase()];
    if (month === undefined) return undefined;
    let hour = Number(h);
    const meridiem = ampm?.toUpperCase();
    // "18:58:30 PM" exists in AWS's own docs: a 24-hour value wins over the marker.
    if (meridiem === 'PM' && hour < 12) hour += 12;
    if (meridiem === 'AM' && hour === 12) hour = 0;
    if (hour > 23) return undefined;
    return Date.UTC(Number(y), month, Number(d), hour, Number(mi), Number(s));
  }
  return undefined;
}

/** Times formatted lately: a key finding lists when each of up to twenty resources last used the key, mostly as before. */
const formatted = new BoundedCache<string, number>(4096);

/** ISO-8601 with second precision, the way CloudTrail writes eventTime. */
export function toIsoSeconds(epochMs: number): string {
  const cached = formatted.get(epochMs);
  if (cached !== undefined) return cached;
  const iso = new Date(epochMs).toISOString();
  // toISOString always ends in ".sssZ" (years beyond 9999 only lengthen the front): cut the milliseconds off
  return formatted.set(epochMs, `${iso.slice(0, -5)}Z`);
}
