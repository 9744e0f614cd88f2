import { GetTableBucketEncryptionCommand, PutTableBucketEncryptionCommand, type GetTableBucketEncryptionCommandOutput } from '@aws-sdk/client-s3tables';
import { parseS3TablesArn } from '../correlate/arn.js';
import { ACTION_CATALOG } from './catalog.js';
import type { TableBucketEntry } from '../correlate/ledger-entries.js';
import { isKms } from '../correlate/s3tables.js';
import { alreadyCompliant, CallRecorder, dryRun, failed } from './recorder.js';
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
    const bucketArn = finding.resources[0];
    const bucket = parseS3TablesArn(bucketArn);
    if (!bucketArn || !bucket || bucket.tableArn) return { skip: `not a table bucket ARN: ${bucketArn ?? '(none)'}` };
    const previous = finding.previous as { sseAlgorithm?: string; kmsKeyArn?: string } | undefined;
    const key = restoreKeyFor(isKms(previous) ? previous?.kmsKeyArn : undefined, bucket.accountId, policy.forTableBucket(bucketArn), policy);
    if (!key) return { skip: NO_RESTORE_KEY };
    return {
      plan: {
        actionId: this.id,
        resource: bucketArn,
        region: bucket.region,
        account: bucket.accountId,
        intent: `set SSE-KMS with ${key.keyArn} (${key.source}) as the default of table bucket ${bucket.bucketName}`,
        calls: [{
          service: 's3tables',
          operation: 'PutTableBucketEncryption',
          input: { tableBucketARN: bucketArn, encryptionConfiguration: { sseAlgorithm: 'aws:kms', kmsKeyArn: key.keyArn } },
        }],
      },
    };
  },

  async execute(plan, clients, { dryRun: isDryRun, policy }) {
    const client = clients.s3tables(plan.region);
    const recorder = new CallRecorder();
    const requirements = policy.forTableBucket(plan.resource);
    const read = () => recorder.send<GetTableBucketEncryptionCommandOutput>('s3tables', 'GetTableBucketEncryption', client, new GetTableBucketEncryptionCommand({ tableBucketARN: plan.resource }));
    let prior: unknown;
    try {
      const current = (await read()).encryptionConfiguration;
      prior = current ?? null;
      if (current && isKms(current) && acceptableKey(current.kmsKeyArn, plan.account, requirements, policy)) {
        return alreadyCompliant(recorder, prior, `SSE-KMS with ${current.kmsKeyArn}`);
      }
      if (isDryRun) return dryRun(recorder, prior, plan.calls);
      const put = plan.calls[0]!;
      await recorder.send('s3tables', 'PutTableBucketEncryption', client, new PutTableBucketEncryptionCommand(put.input as never));
      const after = (await read()).encryptionConfiguration;
      const wanted = (put.input['encryptionConfiguration'] as { kmsKeyArn: string }).kmsKeyArn;
      if (!after || !isKms(after) || after.kmsKeyArn !== wanted) {
        return { kind: 'failed', reason: `verification: the table bucket reads back ${JSON.stringify(after ?? null)}`, calls: recorder.calls, prior, after: after ?? null };
      }
      return {
        kind: 'applied',
        calls: recorder.calls,
        prior,
        after,
        learn: (ledger, version) => {
          const encryption = { sseAlgorithm: after.sseAlgorithm!, kmsKeyArn: wanted };
          ledger.update<TableBucketEntry>({ kind: 'table-bucket', arn: plan.resource }, { encryption, encryptionSource: 'request' }, version);
          ledger.recordBucketDefault(plan.resource, { ...version, encryption });
        },
      };
    } catch (error) {
      return failed(error, recorder, prior);
    }
  },
};
