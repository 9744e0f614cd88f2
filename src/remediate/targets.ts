import type { Finding } from '../alerts/finding.js';
import { keyAccount, parseArn, parseS3Arn, parseS3TablesArn, type S3Arn, type S3TablesArn } from '../correlate/arn.js';
import type { Policy } from '../policy/policy.js';
import { keyProtection, UNPROTECTED_KEY } from './key-protection.js';
import { isCompleteKeyArn } from './restore-key.js';
import type { ApiCall, RemediationPlan } from './types.js';

/** What an action's plan starts from: the finding's first resource as the kind of resource it acts on, or why not. */
export type Target<T> = (T & { place: Placement }) | { skip: string };

/** The resource an action acts on, and the Region and account whose clients act on it. */
export type Placement = Pick<RemediationPlan, 'resource' | 'region' | 'account'>;

/** An action's plan: what it acts on (from its target), what it means to do, and the write calls. */
export function planAt(actionId: string, place: Placement, intent: string, calls: ApiCall[]): { plan: RemediationPlan } {
  return { plan: { actionId, ...place, intent, calls } };
}

export function bucketTarget(finding: Finding): Target<{ bucketArn: string; bucket: S3Arn }> {
  const bucketArn = finding.resources[0];
  const bucket = parseS3Arn(bucketArn);
  if (!bucketArn || !bucket || bucket.key !== undefined) return { skip: `not a bucket ARN: ${bucketArn ?? '(none)'}` };
  // S3 ARNs name no Region or account: the bucket is the finding's
  return { bucketArn, bucket, place: { resource: bucketArn, region: finding.region, account: finding.account } };
}

export function tableBucketTarget(finding: Finding): Target<{ bucketArn: string; bucket: S3TablesArn }> {
  const bucketArn = finding.resources[0];
  const bucket = parseS3TablesArn(bucketArn);
  if (!bucketArn || !bucket || bucket.tableArn) return { skip: `not a table bucket ARN: ${bucketArn ?? '(none)'}` };
  return { bucketArn, bucket, place: { resource: bucketArn, region: bucket.region, account: bucket.accountId } };
}

/** The finding's key, where the remediation may act on it (see keyProtection), with its Region and account. */
export function keyTarget(finding: Finding, policy: Policy): Target<{ keyArn: string; why: string }> {
  const why = keyProtection(finding, policy);
  if (!why || !isCompleteKeyArn(finding.keyArn)) return { skip: UNPROTECTED_KEY };
  const keyArn = finding.keyArn;
  return { keyArn, why, place: { resource: keyArn, region: parseArn(keyArn)?.region ?? '', account: keyAccount(keyArn) || finding.account } };
}

/** The keys a restored policy requires: those the ledger knew it required, else the policy's remediation key. */
export function requiredKeys(finding: Finding, remediationKey: string | undefined): string[] {
  const known = ((finding.previous as { requiredKeys?: unknown[] } | undefined)?.requiredKeys ?? []).filter(isCompleteKeyArn);
  return known.length > 0 ? known : remediationKey ? [remediationKey] : [];
}
