import { GetBucketEncryptionCommand, PutBucketEncryptionCommand, type GetBucketEncryptionCommandOutput, type ServerSideEncryptionRule } from '@aws-sdk/client-s3';
import { bucketTarget, planAt } from './targets.js';
import { ACTION_CATALOG } from './catalog.js';
import type { BucketEncryption, BucketEntry } from '../correlate/ledger-entries.js';
import { isKms } from '../correlate/s3tables.js';
import { checkAndAct } from './check-and-act.js';
import { errorName } from './recorder.js';
import { acceptableKey, NO_RESTORE_KEY, restoreKeyFor } from './restore-key.js';
import type { RemediationAction } from './types.js';

/** Reading a bucket without a default configuration: since 2023 it means SSE-S3. */
const NO_CONFIGURATION = 'ServerSideEncryptionConfigurationNotFoundError';

function ruleOf(output: GetBucketEncryptionCommandOutput | undefined): ServerSideEncryptionRule | undefined {
  return output?.ServerSideEncryptionConfiguration?.Rules?.[0];
}

/**
 * Sets SSE-KMS with an approved key, by ARN, and S3 Bucket Keys on (far fewer KMS calls). Encryption types the bucket
 * blocks (SSE-C) stay blocked: a restore must not unblock what the old configuration refused.
 */
export const restoreBucketEncryption: RemediationAction = {
  id: 'restore-bucket-encryption',
  title: 'Restore the bucket\'s SSE-KMS default encryption with an approved key and Bucket Keys',
  ...ACTION_CATALOG['restore-bucket-encryption'],

  plan(finding, policy) {
    const target = bucketTarget(finding);
    if ('skip' in target) return target;
    const { bucketArn, bucket } = target;
    const previous = finding.previous as BucketEncryption | undefined;
    const key = restoreKeyFor(isKms(previous) ? previous?.kmsKeyArn : undefined, finding.account, policy.forBucket(bucketArn), policy);
    if (!key) return { skip: NO_RESTORE_KEY };
    return planAt(this.id, target.place, `set SSE-KMS with ${key.keyArn} (${key.source}) and Bucket Keys as the default of bucket ${bucket.bucket}`, [{
      service: 's3',
      operation: 'PutBucketEncryption',
      input: {
        Bucket: bucket.bucket,
        // a bucket of another account with the same name is never touched
        ExpectedBucketOwner: finding.account,
        ServerSideEncryptionConfiguration: {
          Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key.keyArn }, BucketKeyEnabled: true }],
        },
      },
    }]);
  },

  execute(plan, clients, { dryRun, policy }) {
    const client = clients.s3(plan.region);
    const requirements = policy.forBucket(plan.resource);
    const put = plan.calls[0]!;
    const target = { Bucket: put.input['Bucket'] as string, ExpectedBucketOwner: put.input['ExpectedBucketOwner'] as string };
    const rule = (put.input['ServerSideEncryptionConfiguration'] as { Rules: ServerSideEncryptionRule[] }).Rules[0]!;
    const keyArn = rule.ApplyServerSideEncryptionByDefault!.KMSMasterKeyID!;
    return checkAndAct<ServerSideEncryptionRule | undefined>({
      read: async (recorder) => {
        try {
          return ruleOf(await recorder.send<GetBucketEncryptionCommandOutput>('s3', 'GetBucketEncryption', client, new GetBucketEncryptionCommand(target)));
        } catch (error) {
          if (errorName(error) === NO_CONFIGURATION) return undefined;
          throw error;
        }
      },
      record: (state) => state ?? null,
      needed: (state) => {
        const byDefault = state?.ApplyServerSideEncryptionByDefault;
        if (isKms({ sseAlgorithm: byDefault?.SSEAlgorithm }) && acceptableKey(byDefault?.KMSMasterKeyID, plan.account, requirements, policy) && state?.BucketKeyEnabled === true) {
          return { calls: [], compliant: `already compliant (SSE-KMS with ${byDefault?.KMSMasterKeyID} and Bucket Keys)` };
        }
        const wanted: ServerSideEncryptionRule = { ...rule, ...(state?.BlockedEncryptionTypes ? { BlockedEncryptionTypes: state.BlockedEncryptionTypes } : {}) };
        return { calls: [{ ...put, input: { ...put.input, ServerSideEncryptionConfiguration: { Rules: [wanted] } } }] };
      },
      send: (recorder, call) => recorder.send('s3', call.operation, client, new PutBucketEncryptionCommand(call.input as never)),
      verify: (after) => (after?.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID === keyArn && after.BucketKeyEnabled === true ? undefined : `the bucket reads back ${JSON.stringify(after ?? null)}`),
      learn: (after) => (ledger, version) => {
        const blocked = after!.BlockedEncryptionTypes?.EncryptionType;
        const encryption: BucketEncryption = {
          sseAlgorithm: after!.ApplyServerSideEncryptionByDefault!.SSEAlgorithm!,
          kmsKeyArn: keyArn,
          bucketKeyEnabled: true,
          ...(blocked?.length ? { blockedEncryptionTypes: blocked.map(String) } : {}),
        };
        ledger.update<BucketEntry>({ kind: 'bucket', arn: plan.resource }, { encryption, encryptionSource: 'request' }, version);
      },
    }, dryRun);
  },
};
