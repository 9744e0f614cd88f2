import { createHash } from 'node:crypto';
import type { PolicyDocument } from './schema.js';

/**
 * A policy file validated at package time, with every default applied: the Lambda functions load it without YAML or
 * zod on their cold start. `sha256` is the hash of the YAML text it came from, so a stale file is never trusted.
 */
export interface CompiledPolicy {
  compiledFrom: string;
  sha256: string;
  document: PolicyDocument;
}

export function policyTextHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
