import type { JsonObject } from './types.js';

export interface PolicyStatement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

export interface PolicyDocument {
  Version?: string;
  Statement: PolicyStatement[];
}

export type PolicyParse = { ok: true; document: PolicyDocument } | { ok: false; reason: string };

/**
 * IAM-style policies arrive as JSON strings (KMS PutKeyPolicy, S3 Tables Put*Policy) or as parsed objects
 * (S3 PutBucketPolicy's `bucketPolicy`, some fixtures); `Statement` may be one object or an array.
 */
export function parsePolicyDocument(value: unknown): PolicyParse {
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch (error) {
      return { ok: false, reason: `policy is not valid JSON: ${(error as Error).message}` };
    }
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { ok: false, reason: 'policy is not a JSON object' };
  const object = parsed as JsonObject;
  const statement = object['Statement'];
  const statements = Array.isArray(statement) ? statement : statement && typeof statement === 'object' ? [statement] : undefined;
  if (!statements) return { ok: false, reason: 'policy has no Statement' };
  const document: PolicyDocument = { Statement: statements.filter((s): s is PolicyStatement => !!s && typeof s === 'object') };
  if (typeof object['Version'] === 'string') document.Version = object['Version'];
  return { ok: true, document };
}
