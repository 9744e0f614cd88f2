import { GetBucketPolicyCommand, PutBucketPolicyCommand, type GetBucketPolicyCommandOutput } from '@aws-sdk/client-s3';
import { parseS3Arn } from '../correlate/arn.js';
import { ACTION_CATALOG } from './catalog.js';
import type { PolicyEnforcementEntry } from '../correlate/ledger-entries.js';
import { s3SseEnforcement } from '../correlate/policy-analysis.js';
import { parsePolicyDocument, type PolicyDocument, type PolicyStatement } from '../events/policy-document.js';
import { checkAndAct } from './check-and-act.js';
import { errorName } from './recorder.js';
import { isKeyArn } from './restore-key.js';
import { pinnedKeys, withStatements } from './policy-statements.js';
import type { RemediationAction } from './types.js';

export const SSE_STATEMENT_SIDS = ['SseSentinelDenyNonKmsEncryption', 'SseSentinelDenyOtherKmsKeys'] as const;

/**
 * The Deny statements that enforce SSE-KMS on writes. Each denies a write that *names* other encryption (the Null
 * guard), so writers that rely on the bucket default, which restore-bucket-encryption keeps SSE-KMS, are not broken.
 */
export function sseDenyStatements(bucket: string, partition: string, keyArns: readonly string[]): PolicyStatement[] {
  const objects = `arn:${partition}:s3:::${bucket}/*`;
  const statements: PolicyStatement[] = [{
    Sid: SSE_STATEMENT_SIDS[0],
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:PutObject',
    Resource: objects,
    Condition: {
      StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' },
      Null: { 's3:x-amz-server-side-encryption': 'false' },
    },
  }];
  if (keyArns.length > 0) {
    statements.push({
      Sid: SSE_STATEMENT_SIDS[1],
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:PutObject',
      Resource: objects,
      Condition: {
        StringNotEquals: { 's3:x-amz-server-side-encryption-aws-kms-key-id': keyArns.length === 1 ? keyArns[0]! : [...keyArns] },
        Null: { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'false' },
      },
    });
  }
  return statements;
}

/** Re-adds the Deny statements that enforce SSE-KMS (and the required key), keeping every other statement as it is. */
export const restoreBucketSsePolicy: RemediationAction = {
  id: 'restore-bucket-sse-policy',
  title: 'Re-add the bucket policy statements that enforce SSE-KMS',
  ...ACTION_CATALOG['restore-bucket-sse-policy'],

  plan(finding, policy) {
    const bucketArn = finding.resources[0];
    const bucket = parseS3Arn(bucketArn);
    if (!bucketArn || !bucket || bucket.key !== undefined) return { skip: `not a bucket ARN: ${bucketArn ?? '(none)'}` };
    const known = ((finding.previous as { requiredKeys?: unknown[] } | undefined)?.requiredKeys ?? []).filter(isKeyArn);
    const fallback = policy.forBucket(bucketArn).remediationKey;
    const keys = known.length > 0 ? known : fallback ? [fallback] : [];
    const partition = bucketArn.split(':')[1] ?? 'aws';
    const statements = sseDenyStatements(bucket.bucket, partition, keys);
    return {
      plan: {
        actionId: this.id,
        resource: bucketArn,
        region: finding.region,
        account: finding.account,
        intent: `add ${statements.map((s) => s.Sid).join(' and ')} to the policy of bucket ${bucket.bucket}` +
          (keys.length ? ` (required key ${keys.join(', ')})` : ' (SSE-KMS required; no key known to pin)') + ', keeping every other statement',
        calls: [{
          service: 's3',
          operation: 'PutBucketPolicy',
          input: { Bucket: bucket.bucket, ExpectedBucketOwner: finding.account, Policy: JSON.stringify(withStatements(undefined, statements)) },
        }],
      },
    };
  },

  execute(plan, clients, { dryRun }) {
    const client = clients.s3(plan.region);
    const put = plan.calls[0]!;
    const target = { Bucket: put.input['Bucket'] as string, ExpectedBucketOwner: put.input['ExpectedBucketOwner'] as string };
    const ours = (JSON.parse(put.input['Policy'] as string) as PolicyDocument).Statement;
    const requiredKeys = pinnedKeys(ours, isKeyArn);
    const enforces = (document: PolicyDocument | undefined): boolean => {
      const enforcement = s3SseEnforcement(document);
      return enforcement.enforced && requiredKeys.every((key) => enforcement.requiredKeys.includes(key));
    };
    return checkAndAct<PolicyDocument | undefined>({
      read: async (recorder) => {
        try {
          const output = await recorder.send<GetBucketPolicyCommandOutput>('s3', 'GetBucketPolicy', client, new GetBucketPolicyCommand(target));
          const parsed = parsePolicyDocument(output.Policy);
          if (!parsed.ok) throw new Error(`the current bucket policy cannot be read: ${parsed.reason}`);
          return parsed.document;
        } catch (error) {
          if (errorName(error) === 'NoSuchBucketPolicy') return undefined;
          throw error;
        }
      },
      record: (state) => state ?? null,
      needed: (state) => (enforces(state)
        ? { calls: [], compliant: `already compliant (statements ${s3SseEnforcement(state).statements.join(', ')})` }
        : { calls: [{ ...put, input: { ...put.input, Policy: JSON.stringify(withStatements(state, ours)) } }] }),
      send: (recorder, call) => recorder.send('s3', call.operation, client, new PutBucketPolicyCommand(call.input as never)),
      verify: (after) => (enforces(after) ? undefined : 'the policy read back does not enforce SSE-KMS'),
      learn: (after) => (ledger, version) => {
        ledger.update<PolicyEnforcementEntry>(
          { kind: 'bucket-policy', arn: plan.resource, enforced: false, requiredKeys: [], statements: [] },
          { ...s3SseEnforcement(after), deleted: false },
          version,
        );
      },
    }, dryRun);
  },
};
