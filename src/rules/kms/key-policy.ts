import { parseArn } from '../../correlate/arn.js';
import { analyzeKeyPolicy, type KeyPolicyFindings } from '../../correlate/policy-analysis.js';
import { parsePolicyDocument } from '../../events/policy-document.js';
import type { CloudTrailEvent } from '../../events/types.js';
import type { RuleContext } from '../rule.js';
import { keyOf } from './common.js';

export const KEY_POLICY_DOCS = 'https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html';
export const KEY_POLICY_EVENTS = ['PutKeyPolicy', 'CreateKey'] as const;

export interface AnalyzedKeyPolicy {
  keyArn: string;
  analysis: KeyPolicyFindings;
}

/** The policy a PutKeyPolicy (or CreateKey with a policy) sets, analysed against the key's account and the trusted ones. */
export function analyzedKeyPolicy(event: CloudTrailEvent, context: RuleContext): AnalyzedKeyPolicy | undefined {
  if (event.errorCode) return undefined;
  const raw = event.requestParameters['policy'];
  if (raw === undefined || raw === null || raw === '') return undefined;
  const parsed = parsePolicyDocument(raw);
  if (!parsed.ok) return undefined;
  const keyArn = keyOf(event) ?? 'unknown key';
  const keyAccount = parseArn(keyArn)?.accountId || event.account || undefined;
  const analysis = analyzeKeyPolicy(parsed.document, keyAccount, (account) => context.policy.isTrustedAccount(account, keyAccount ?? ''));
  return { keyArn, analysis };
}
