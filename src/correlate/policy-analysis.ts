import type { PolicyDocument, PolicyStatement } from '../events/policy-document.js';
import { parseArn } from './arn.js';

export function asList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function actionMatches(pattern: string, action: string): boolean {
  const escaped = pattern.toLowerCase().replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`).test(action.toLowerCase());
}

/** Does the statement's Action (or NotAction) cover this action? */
export function coversAction(statement: PolicyStatement, action: string): boolean {
  if (statement.NotAction !== undefined) return !asList(statement.NotAction).some((p) => actionMatches(p, action));
  return asList(statement.Action).some((p) => actionMatches(p, action));
}

export interface Principals {
  wildcard: boolean;
  aws: string[];
  services: string[];
}

/** `"*"`, `{"AWS": "*"}`, `{"AWS": [arns or account ids]}`, `{"Service": …}`. NotPrincipal counts as wildcard. */
export function principalsOf(statement: PolicyStatement): Principals {
  if (statement.NotPrincipal !== undefined) return { wildcard: true, aws: [], services: [] };
  const principal = statement.Principal;
  if (principal === '*') return { wildcard: true, aws: [], services: [] };
  if (!principal || typeof principal !== 'object') return { wildcard: false, aws: [], services: [] };
  const map = principal as Record<string, unknown>;
  const aws = asList(map['AWS']);
  return { wildcard: aws.includes('*'), aws: aws.filter((a) => a !== '*'), services: asList(map['Service']) };
}

/** The account of an AWS principal: a bare account id, `arn:aws:iam::ACCOUNT:root|role/…|user/…`, an STS ARN. */
export function principalAccount(principal: string): string | undefined {
  if (/^\d{12}$/.test(principal)) return principal;
  return parseArn(principal)?.accountId || undefined;
}

/** Condition entries as (operator, key, values), with keys lower-cased: condition keys are case-insensitive. */
export function conditionsOf(statement: PolicyStatement): { operator: string; key: string; values: string[] }[] {
  const out: { operator: string; key: string; values: string[] }[] = [];
  for (const [operator, block] of Object.entries(statement.Condition ?? {})) {
    if (!block || typeof block !== 'object') continue;
    for (const [key, value] of Object.entries(block)) {
      out.push({ operator, key: key.toLowerCase(), values: asList(value).concat(typeof value === 'boolean' ? [String(value)] : []) });
    }
  }
  return out;
}

const NEGATIVE_STRING = /^(ForAnyValue:|ForAllValues:)?StringNotEquals(IgnoreCase)?(IfExists)?$/i;
const NEGATIVE_ARN = /^(ForAnyValue:|ForAllValues:)?ArnNotEquals(IfExists)?$|^ArnNotLike(IfExists)?$|^StringNotLike(IfExists)?$/i;

// ---------------------------------------------------------------- S3 bucket policies

export interface SseEnforcement {
  /** The policy denies object writes that are not SSE-KMS. */
  enforced: boolean;
  /** Key ARNs the policy requires (Deny unless the key id header is one of them). */
  requiredKeys: string[];
  /** Sids (or indexes) of the statements that enforce it, for the alert. */
  statements: string[];
}

const S3_SSE_KEY = 's3:x-amz-server-side-encryption';
const S3_SSE_KMS_KEY_ID = 's3:x-amz-server-side-encryption-aws-kms-key-id';

/**
 * Does a bucket policy enforce SSE-KMS on writes? The usual forms: a Deny on s3:PutObject with
 * StringNotEquals s3:x-amz-server-side-encryption "aws:kms"; with StringNotEquals …-aws-kms-key-id "<key ARN>";
 * or with Null …-aws-kms-key-id "true".
 */
export function s3SseEnforcement(policy: PolicyDocument | undefined): SseEnforcement {
  const result: SseEnforcement = { enforced: false, requiredKeys: [], statements: [] };
  if (!policy) return result;
  policy.Statement.forEach((statement, index) => {
    if (statement.Effect !== 'Deny' || !coversAction(statement, 's3:PutObject')) return;
    let enforces = false;
    for (const condition of conditionsOf(statement)) {
      if (condition.key === S3_SSE_KEY && NEGATIVE_STRING.test(condition.operator) && condition.values.some((v) => v.startsWith('aws:kms'))) enforces = true;
      if (condition.key === S3_SSE_KMS_KEY_ID && (NEGATIVE_STRING.test(condition.operator) || NEGATIVE_ARN.test(condition.operator))) {
        enforces = true;
        result.requiredKeys.push(...condition.values);
      }
      if (condition.key === S3_SSE_KMS_KEY_ID && /^Null$/i.test(condition.operator) && condition.values.includes('true')) enforces = true;
    }
    if (enforces) {
      result.enforced = true;
      result.statements.push(statement.Sid ?? `#${index}`);
    }
  });
  result.requiredKeys = [...new Set(result.requiredKeys)].sort();
  return result;
}

// ---------------------------------------------------------------- S3 Tables table-bucket policies

const S3TABLES_SSE = 's3tables:ssealgorithm';
const S3TABLES_KMS_KEY = 's3tables:kmskeyarn';

/** Does a table bucket policy deny creating tables (or setting encryption) that are not SSE-KMS / not an approved key? */
export function s3TablesSseEnforcement(policy: PolicyDocument | undefined): SseEnforcement {
  const result: SseEnforcement = { enforced: false, requiredKeys: [], statements: [] };
  if (!policy) return result;
  policy.Statement.forEach((statement, index) => {
    if (statement.Effect !== 'Deny') return;
    if (!coversAction(statement, 's3tables:CreateTable') && !coversAction(statement, 's3tables:PutTableEncryption') && !coversAction(statement, 's3tables:PutTableBucketEncryption')) return;
    let enforces = false;
    for (const condition of conditionsOf(statement)) {
      if (condition.key === S3TABLES_SSE && NEGATIVE_STRING.test(condition.operator) && condition.values.includes('aws:kms')) enforces = true;
      if (condition.key === S3TABLES_KMS_KEY && (NEGATIVE_STRING.test(condition.operator) || NEGATIVE_ARN.test(condition.operator))) {
        enforces = true;
        result.requiredKeys.push(...condition.values);
      }
    }
    if (enforces) {
      result.enforced = true;
      result.statements.push(statement.Sid ?? `#${index}`);
    }
  });
  result.requiredKeys = [...new Set(result.requiredKeys)].sort();
  return result;
}

// ---------------------------------------------------------------- KMS key policies

/** Condition keys that, compared with a concrete value, really restrict who a `*` principal is. */
const RESTRICTING_KEYS = new Set([
  'aws:principalaccount', 'aws:principalorgid', 'aws:principalarn', 'aws:principalorgpaths', 'aws:sourceaccount', 'aws:sourcearn',
  'aws:sourceorgid', 'aws:sourceorgpaths', 'aws:sourcevpce', 'aws:sourcevpc', 'aws:userid', 'kms:calleraccount',
]);
const POSITIVE_OPERATOR = /^(ForAnyValue:|ForAllValues:)?(StringEquals|StringLike|ArnEquals|ArnLike)(IgnoreCase)?$/i;

function restricted(statement: PolicyStatement): boolean {
  return conditionsOf(statement).some((c) => RESTRICTING_KEYS.has(c.key) && POSITIVE_OPERATOR.test(c.operator) && c.values.length > 0 && !c.values.includes('*'));
}

export interface KeyPolicyFindings {
  /** Allow statements open to any principal without a restricting condition. */
  publicStatements: string[];
  /** Accounts granted access that are neither the key's nor trusted. */
  externalAccounts: string[];
  /** Whether some Allow lets this service principal use kms:GenerateDataKey and kms:Decrypt. */
  allowsService(service: string): boolean;
}

export function analyzeKeyPolicy(policy: PolicyDocument, keyAccount: string | undefined, trusted: (account: string) => boolean): KeyPolicyFindings {
  const publicStatements: string[] = [];
  const external = new Set<string>();
  policy.Statement.forEach((statement, index) => {
    if (statement.Effect !== 'Allow') return;
    const principals = principalsOf(statement);
    if (principals.wildcard && !restricted(statement)) publicStatements.push(statement.Sid ?? `#${index}`);
    for (const principal of principals.aws) {
      const account = principalAccount(principal);
      if (account && account !== keyAccount && !trusted(account)) external.add(account);
    }
  });
  return {
    publicStatements,
    externalAccounts: [...external].sort(),
    allowsService(service: string): boolean {
      const grants = (action: string) =>
        policy.Statement.some((s) => s.Effect === 'Allow' && principalsOf(s).services.includes(service) && coversAction(s, action));
      const denies = (action: string) =>
        policy.Statement.some((s) => s.Effect === 'Deny' && (principalsOf(s).wildcard || principalsOf(s).services.includes(service)) && coversAction(s, action) && conditionsOf(s).length === 0);
      return ['kms:GenerateDataKey', 'kms:Decrypt'].every((action) => grants(action) && !denies(action));
    },
  };
}
