import type { Finding } from '../alerts/finding.js';
import { normalizeValue } from '../events/normalize.js';
import { formatLocation } from '../events/types.js';
import type { Pipeline } from '../pipeline.js';

export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
}

export interface EnvelopeResult {
  findings: Finding[];
  duplicates: number;
  skipped: string[];
}

/**
 * One EventBridge delivery → findings. An event that cannot be read throws, so that Lambda retries it and
 * finally hands it to the on-failure destination: nothing is dropped silently.
 */
export async function processEnvelope(envelope: unknown, pipeline: Pipeline, options: { save?: boolean } = {}): Promise<EnvelopeResult> {
  const result: EnvelopeResult = { findings: [], duplicates: 0, skipped: [] };
  const errors: string[] = [];
  for (const item of normalizeValue(envelope, { source: '<lambda>' })) {
    if (item.kind === 'error') errors.push(`${formatLocation(item.error.location)}: ${item.error.reason}`);
    else if (item.kind === 'skip') result.skipped.push(item.skip.reason);
    else {
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
