import type { Finding } from '../alerts/finding.js';
import { normalizeValue } from '../events/normalize.js';
import { formatLocation, type CloudTrailEvent, type ReadItem } from '../events/types.js';
import type { Pipeline } from '../pipeline.js';

export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
}

export interface EnvelopeResult {
  findings: Finding[];
  duplicates: number;
  skipped: string[];
}

/** An EventBridge delivery read into events, skips and errors (a batch reads all of its records before judging any). */
export function readEnvelope(envelope: unknown): ReadItem[] {
  return normalizeValue(envelope, { source: '<lambda>' });
}

/** The events among read items (what a delivery's claims are made for ahead of judging it). */
export function eventsIn(items: readonly ReadItem[]): CloudTrailEvent[] {
  return items.flatMap((item) => (item.kind === 'event' ? [item.event] : []));
}

/**
 * One EventBridge delivery, read (readEnvelope) → findings. An event that cannot be read throws, after the rest was
 * judged and saved, so that Lambda retries it and finally hands it to the on-failure destination: nothing is dropped
 * silently.
 */
export async function processItems(items: readonly ReadItem[], pipeline: Pipeline, options: { save?: boolean } = {}): Promise<EnvelopeResult> {
  const result: EnvelopeResult = { findings: [], duplicates: 0, skipped: [] };
  const errors: string[] = [];
  for (const item of items) {
    if (item.kind === 'error') errors.push(`${formatLocation(item.error.location)}: ${item.error.reason}`);
    else if (item.kind === 'skip') result.skipped.push(item.skip.reason);
    else if (item.kind === 'event') {
      const outcome = await pipeline.process(item.event);
      if (outcome.duplicate) result.duplicates++;
      result.findings.push(...outcome.findings);
    }
  }
  // a batch (the usage function) saves once for all its records
  if (options.save !== false) await pipeline.save();
  if (errors.length > 0) throw new InvalidEventError(`unreadable event: ${errors.join('; ')}`);
  return result;
}
