import type { PolicyDocument } from './schema.js';

/**
 * A policy file validated at package time, with every default applied: the Lambda functions load it without YAML or
 * zod on their cold start. `yaml` is the exact text it came from, so a stale file is never trusted (compared as text:
 * hashing would load node:crypto on every cold start).
 */
export interface CompiledPolicy {
  compiledFrom: string;
  yaml: string;
  document: PolicyDocument;
}
