import { GetBucketPolicyCommand, PutBucketPolicyCommand, type GetBucketPolicyCommandOutput } from '@aws-sdk/client-s3';
import { s3SseEnforcement } from '../correlate/policy-analysis.js';
import type { PolicyDocument, PolicyStatement } from '../events/policy-document.js';
import { ACTION_CATALOG } from './catalog.js';
import { checkAndAct } from './check-and-act.js';
import { policyIntent, policyRestoreSteps, withStatements } from './policy-statements.js';
import { errorName } from './recorder.js';
import { bucketTarget, planAt, requiredKeys } from './targets.js';
import type { ApiCall, RemediationAction } from './types.js';

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
    const target = bucketTarget(finding);
    if ('skip' in target) return target;
    const { bucketArn, bucket } = target;
    const keys = requiredKeys(finding, policy.forBucket(bucketArn).remediationKey);
    const statements = sseDenyStatements(bucket.bucket, bucketArn.split(':')[1] ?? 'aws', keys);
    return planAt(this.id, target.place, policyIntent(statements, keys, `bucket ${bucket.bucket}`), [putBucketPolicy(bucket.bucket, finding.account, withStatements(undefined, statements))]);
  },

  execute(plan, clients, { dryRun }) {
    const client = clients.s3(plan.region);
    const { Bucket, ExpectedBucketOwner } = plan.calls[0]!.input as { Bucket: string; ExpectedBucketOwner: string };
    return checkAndAct(policyRestoreSteps({
      resource: plan.resource,
      ledgerKind: 'bucket-policy',
      ours: (JSON.parse(plan.calls[0]!.input['Policy'] as string) as PolicyDocument).Statement,
      analyze: s3SseEnforcement,
      read: async (recorder) => {
        try {
          return (await recorder.send<GetBucketPolicyCommandOutput>('s3', 'GetBucketPolicy', client, new GetBucketPolicyCommand({ Bucket, ExpectedBucketOwner }))).Policy;
        } catch (error) {
          if (errorName(error) === 'NoSuchBucketPolicy') return undefined;
          throw error;
        }
      },
      put: (document) => putBucketPolicy(Bucket, ExpectedBucketOwner, document),
      send: (recorder, call) => recorder.send('s3', call.operation, client, new PutBucketPolicyCommand(call.input as never)),
    }), dryRun);
  },
};

function putBucketPolicy(bucket: string, owner: string, document: PolicyDocument): ApiCall {
  // a bucket of another account with the same name is never touched
  return { service: 's3', operation: 'PutBucketPolicy', input: { Bucket: bucket, ExpectedBucketOwner: owner, Policy: JSON.stringify(document) } };
}
