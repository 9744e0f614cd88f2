import { GetTableBucketEncryptionCommand, PutTableBucketEncryptionCommand, type EncryptionConfiguration, type GetTableBucketEncryptionCommandOutput } from '@aws-sdk/client-s3tables';
import { planAt, tableBucketTarget } from './targets.js';
import type { TableBucketEntry } from '../correlate/ledger-entries.js';
import { isKms } from '../correlate/s3tables.js';
import { ACTION_CATALOG } from './catalog.js';
import { checkAndAct } from './check-and-act.js';
import { acceptableKey, NO_RESTORE_KEY, restoreKeyFor } from './restore-key.js';
import type { RemediationAction } from './types.js';

/**
 * Puts back a table bucket's SSE-KMS default. Tables keep the key they were created with, so this protects the tables
 * created from now on; tables created in between stay as they are (the finding's runbook covers them).
 */
export const restoreTableBucketEncryption: RemediationAction = {
  id: 'restore-table-bucket-encryption',
  title: 'Restore the table bucket\'s SSE-KMS default encryption',
  ...ACTION_CATALOG['restore-table-bucket-encryption'],

  plan(finding, policy) {
    const target = tableBucketTarget(finding);
    if ('skip' in target) return target;
    const { bucketArn, bucket } = target;
    const previous = finding.previous as { sseAlgorithm?: string; kmsKeyArn?: string } | undefined;
    const key = restoreKeyFor(isKms(previous) ? previous?.kmsKeyArn : undefined, bucket.accountId, policy.forTableBucket(bucketArn), policy);
    if (!key) return { skip: NO_RESTORE_KEY };
    return planAt(this.id, target.place, `set SSE-KMS with ${key.keyArn} (${key.source}) as the default of table bucket ${bucket.bucketName}`, [{
      service: 's3tables',
      operation: 'PutTableBucketEncryption',
      input: { tableBucketARN: bucketArn, encryptionConfiguration: { sseAlgorithm: 'aws:kms', kmsKeyArn: key.keyArn } },
    }]);
  },

  execute(plan, clients, { dryRun, policy }) {
    const client = clients.s3tables(plan.region);
    const requirements = policy.forTableBucket(plan.resource);
    const wanted = (plan.calls[0]!.input['encryptionConfiguration'] as { kmsKeyArn: string }).kmsKeyArn;
    return checkAndAct<EncryptionConfiguration | undefined>({
      read: async (recorder) => (await recorder.send<GetTableBucketEncryptionCommandOutput>('s3tables', 'GetTableBucketEncryption', client, new GetTableBucketEncryptionCommand({ tableBucketARN: plan.resource }))).encryptionConfiguration,
      record: (state) => state ?? null,
      needed: (state) => (isKms(state) && acceptableKey(state?.kmsKeyArn, plan.account, requirements, policy)
        ? { calls: [], compliant: `already compliant (SSE-KMS with ${state?.kmsKeyArn})` }
        : { calls: plan.calls }),
      send: (recorder, call) => recorder.send('s3tables', call.operation, client, new PutTableBucketEncryptionCommand(call.input as never)),
      verify: (after) => (isKms(after) && after?.kmsKeyArn === wanted ? undefined : `the table bucket reads back ${JSON.stringify(after ?? null)}`),
      learn: (after) => (ledger, version) => {
        const encryption = { sseAlgorithm: after!.sseAlgorithm!, kmsKeyArn: wanted };
        ledger.update<TableBucketEntry>({ kind: 'table-bucket', arn: plan.resource }, { encryption, encryptionSource: 'request' }, version);
        ledger.recordBucketDefault(plan.resource, { ...version, encryption });
      },
    }, dryRun);
  },
};
