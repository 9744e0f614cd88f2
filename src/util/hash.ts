/**
 * Hex digests without a static `node:crypto` import: loading that built-in costs a few milliseconds of every cold start,
 * and the processor needs a hash only for records without an event id and for alerts.
 */
export function hexDigest(algorithm: 'sha1' | 'sha256', text: string): string {
  return process.getBuiltinModule('node:crypto').createHash(algorithm).update(text).digest('hex');
}
