import { GetTableBucketPolicyCommand, PutTableBucketPolicyCommand, type GetTableBucketPolicyCommandOutput } from '@aws-sdk/client-s3tables';
import { parseS3TablesArn } from '../correlate/arn.js';
import type { PolicyEnforcementEntry } from '../correlate/ledger-entries.js';
import { s3TablesSseEnforcement } from '../correlate/policy-analysis.js';
import { parsePolicyDocument, type PolicyDocument, type PolicyStatement } from '../events/policy-document.js';
import { ACTION_CATALOG } from './catalog.js';
import { checkAndAct } from './check-and-act.js';
import { pinnedKeys, withStatements } from './policy-statements.js';
import { errorName } from './recorder.js';
import { isKeyArn } from './restore-key.js';
import type { RemediationAction } from './types.js';

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
    const bucketArn = finding.resources[0];
    const bucket = parseS3TablesArn(bucketArn);
    if (!bucketArn || !bucket || bucket.tableArn) return { skip: `not a table bucket ARN: ${bucketArn ?? '(none)'}` };
    const known = ((finding.previous as { requiredKeys?: unknown[] } | undefined)?.requiredKeys ?? []).filter(isKeyArn);
    const fallback = policy.forTableBucket(bucketArn).remediationKey;
    const keys = known.length > 0 ? known : fallback ? [fallback] : [];
    const statements = tableSseDenyStatements(bucketArn, keys);
    return {
      plan: {
        actionId: this.id,
        resource: bucketArn,
        region: bucket.region,
        account: bucket.accountId,
        intent: `add ${statements.map((s) => s.Sid).join(' and ')} to the policy of table bucket ${bucket.bucketName}` +
          (keys.length ? ` (required key ${keys.join(', ')})` : ' (SSE-KMS required; no key known to pin)') + ', keeping every other statement',
        calls: [{
          service: 's3tables',
          operation: 'PutTableBucketPolicy',
          input: { tableBucketARN: bucketArn, resourcePolicy: JSON.stringify(withStatements(undefined, statements)) },
        }],
      },
    };
  },

  execute(plan, clients, { dryRun }) {
    const client = clients.s3tables(plan.region);
    const put = plan.calls[0]!;
    const ours = (JSON.parse(put.input['resourcePolicy'] as string) as PolicyDocument).Statement;
    const requiredKeys = pinnedKeys(ours, isKeyArn);
    const enforces = (document: PolicyDocument | undefined): boolean => {
      const enforcement = s3TablesSseEnforcement(document);
      return enforcement.enforced && requiredKeys.every((key) => enforcement.requiredKeys.includes(key));
    };
    return checkAndAct<PolicyDocument | undefined>({
      read: async (recorder) => {
        try {
          const output = await recorder.send<GetTableBucketPolicyCommandOutput>('s3tables', 'GetTableBucketPolicy', client, new GetTableBucketPolicyCommand({ tableBucketARN: plan.resource }));
          const parsed = parsePolicyDocument(output.resourcePolicy);
          if (!parsed.ok) throw new Error(`the current table bucket policy cannot be read: ${parsed.reason}`);
          return parsed.document;
        } catch (error) {
          // a table bucket without a policy
          if (errorName(error) === 'NotFoundException') return undefined;
          throw error;
        }
      },
      record: (state) => state ?? null,
      needed: (state) => (enforces(state)
        ? { calls: [], compliant: `already compliant (statements ${s3TablesSseEnforcement(state).statements.join(', ')})` }
        : { calls: [{ ...put, input: { ...put.input, resourcePolicy: JSON.stringify(withStatements(state, ours)) } }] }),
      send: (recorder, call) => recorder.send('s3tables', call.operation, client, new PutTableBucketPolicyCommand(call.input as never)),
      verify: (after) => (enforces(after) ? undefined : 'the policy read back does not enforce SSE-KMS for new tables'),
      learn: (after) => (ledger, version) => {
        ledger.update<PolicyEnforcementEntry>(
          { kind: 'table-bucket-policy', arn: plan.resource, enforced: false, requiredKeys: [], statements: [] },
          { ...s3TablesSseEnforcement(after), deleted: false },
          version,
        );
      },
    }, dryRun);
  },
};
