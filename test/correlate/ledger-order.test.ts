import fc from 'fast-check';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { entryKey, Ledger } from '../../src/correlate/ledger.js';
import type { CloudTrailEvent } from '../../src/events/types.js';
import { collect, EVENTS } from '../helpers.js';

async function eventsOf(path: string): Promise<CloudTrailEvent[]> {
  const seen = new Set<string>();
  return (await collect([path])).flatMap((item) => {
    if (item.kind !== 'event' || seen.has(item.event.eventId)) return [];
    seen.add(item.event.eventId);
    return [item.event];
  });
}

/** JSON with object keys sorted: entries built in different orders must compare equal. */
function stable(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v);
}

function snapshot(events: readonly CloudTrailEvent[]): string {
  const ledger = new Ledger();
  for (const event of events) ledger.apply(event);
  const entries = ledger.all().sort((a, b) => (entryKey(a) < entryKey(b) ? -1 : 1));
  // what rules and alerts read, resolved: inherited table encryption, protected resources per key
  const tables = entries.filter((e) => e.kind === 'table').map((e) => ledger.table(e.arn as string));
  return stable({ entries, tables, keys: ledger.keys() });
}

describe('ledger order independence', () => {
  it('the key blast-radius scenario gives the same ledger in any arrival order', async () => {
    const events = await eventsOf(join(EVENTS, 'scenarios', 'key-blast-radius'));
    const expected = snapshot(events);
    fc.assert(
      fc.property(fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }), (order) => {
        expect(snapshot(order)).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('every sample event together gives the same ledger in any arrival order', async () => {
    const events = await eventsOf(EVENTS);
    expect(events.length).toBeGreaterThan(200);
    const expected = snapshot(events);
    fc.assert(
      fc.property(fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }), (order) => {
        expect(snapshot(order)).toBe(expected);
      }),
      { numRuns: 25 },
    );
  });

  it('a table created before its bucket event arrives still inherits the default in force at its creation', async () => {
    const events = await eventsOf(join(EVENTS, 'scenarios', 'table-bucket-lifecycle'));
    const reversed = [...events].reverse();
    const ledger = new Ledger();
    for (const event of reversed) ledger.apply(event);
    const bucket = 'arn:aws:s3tables:us-east-1:111122223333:bucket/analytics';
    const customers = ledger.tableArnByName(bucket, 'sales', 'customers')!;
    const refunds = ledger.tableArnByName(bucket, 'sales', 'refunds')!;
    expect(ledger.table(customers)?.encryption?.kmsKeyArn).toBe('arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    expect(ledger.table(refunds)?.encryption).toEqual({ sseAlgorithm: 'AES256' });
  });
});
