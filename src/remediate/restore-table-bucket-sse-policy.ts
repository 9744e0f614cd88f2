import { GetTableBucketPolicyCommand, PutTableBucketPolicyCommand, type GetTableBucketPolicyCommandOutput } from '@aws-sdk/client-s3tables';
import { s3TablesSseEnforcement } from '../correlate/policy-analysis.js';
import type { PolicyDocument, PolicyStatement } from '../events/policy-document.js';
import { ACTION_CATALOG } from './catalog.js';
import { checkAndAct } from './check-and-act.js';
import { policyIntent, policyRestoreSteps, withStatements } from './policy-statements.js';
import { errorName } from './recorder.js';
import { planAt, tableBucketTarget, requiredKeys } from './targets.js';
import type { ApiCall, RemediationAction } from './types.js';

export const TABLE_SSE_STATEMENT_SIDS = ['SseSentinelDenyNonKmsTables', 'SseSentinelDenyOtherKmsKeys'] as const;

/**
 * The Deny statements that make new tables SSE-KMS (with the required key). Each denies a CreateTable that *names*
 * other encryption (the Null guard): tables that inherit the bucket default, which restore-table-bucket-encryption keeps
 * SSE-KMS, are still allowed.
 */
export function tableSseDenyStatements(bucketArn: string, keyArns: readonly string[]): PolicyStatement[] {
  const resource = [bucketArn, `${bucketArn}/*`];
  const statements: PolicyStatement[] = [{
    Sid: TABLE_SSE_STATEMENT_SIDS[0],
    Effect: 'Deny',
    Principal: '*',
    Action: 's3tables:CreateTable',
    Resource: resource,
    Condition: { StringNotEquals: { 's3tables:sseAlgorithm': 'aws:kms' }, Null: { 's3tables:sseAlgorithm': 'false' } },
  }];
  if (keyArns.length > 0) {
    statements.push({
      Sid: TABLE_SSE_STATEMENT_SIDS[1],
      Effect: 'Deny',
      Principal: '*',
      Action: 's3tables:CreateTable',
      Resource: resource,
      Condition: { StringNotEquals: { 's3tables:kmsKeyArn': keyArns.length === 1 ? keyArns[0]! : [...keyArns] }, Null: { 's3tables:kmsKeyArn': 'false' } },
    });
  }
  return statements;
}

/** Re-adds the table bucket policy statements that keep new tables SSE-KMS, keeping every other statement as it is. */
export const restoreTableBucketSsePolicy: RemediationAction = {
  id: 'restore-table-bucket-sse-policy',
  title: 'Re-add the table bucket policy statements that enforce SSE-KMS for new tables',
  ...ACTION_CATALOG['restore-table-bucket-sse-policy'],

  plan(finding, policy) {
    const target = tableBucketTarget(finding);
    if ('skip' in target) return target;
    const { bucketArn, bucket } = target;
    const keys = requiredKeys(finding, policy.forTableBucket(bucketArn).remediationKey);
    const statements = tableSseDenyStatements(bucketArn, keys);
    return planAt(this.id, target.place, policyIntent(statements, keys, `table bucket ${bucket.bucketName}`), [putTableBucketPolicy(bucketArn, withStatements(undefined, statements))]);
  },

  execute(plan, clients, { dryRun }) {
    const client = clients.s3tables(plan.region);
    return checkAndAct(policyRestoreSteps({
      resource: plan.resource,
      ledgerKind: 'table-bucket-policy',
      ours: (JSON.parse(plan.calls[0]!.input['resourcePolicy'] as string) as PolicyDocument).Statement,
      analyze: s3TablesSseEnforcement,
      read: async (recorder) => {
        try {
          return (await recorder.send<GetTableBucketPolicyCommandOutput>('s3tables', 'GetTableBucketPolicy', client, new GetTableBucketPolicyCommand({ tableBucketARN: plan.resource }))).resourcePolicy;
        } catch (error) {
          // a table bucket without a policy
          if (errorName(error) === 'NotFoundException') return undefined;
          throw error;
        }
      },
      put: (document) => putTableBucketPolicy(plan.resource, document),
      send: (recorder, call) => recorder.send('s3tables', call.operation, client, new PutTableBucketPolicyCommand(call.input as never)),
    }), dryRun);
  },
};

function putTableBucketPolicy(bucketArn: string, document: PolicyDocument): ApiCall {
  return { service: 's3tables', operation: 'PutTableBucketPolicy', input: { tableBucketARN: bucketArn, resourcePolicy: JSON.stringify(document) } };
}
