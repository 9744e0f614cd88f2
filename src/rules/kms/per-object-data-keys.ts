import { S3_BUCKET_KEY_DOCS } from '../s3/common.js';
import type { Rule, RuleDocs } from '../rule.js';
import { KMS_SOURCE, keyOf } from './common.js';
import { servedResource, SUCCESSFUL, windowOf } from './usage.js';

export const perObjectDataKeys: Rule = {
  id: 'kms.per-object-data-keys',
  title: 'S3 bucket makes one KMS request per object (Bucket Keys off)',
  severity: 'LOW',
  runbook: ['1. Turn on Bucket Keys: put-bucket-encryption with "BucketKeyEnabled": true; objects written afterwards use bucket-level keys (up to 99% fewer KMS requests).'].join('\n'),
  triggers: [{ eventSource: KMS_SOURCE, eventNames: ['GenerateDataKey', 'Decrypt'], detailFilter: SUCCESSFUL }],
  match(event, { ledger, policy }) {
    if (event.errorCode) return [];
    const keyArn = keyOf(event);
    const served = servedResource(event);
    if (!keyArn || !served.objectLevel) return [];
    const count = ledger.usage(keyArn, served.resource, '*', 'per-object', windowOf(event)) + 1;
    if (count !== policy.document.kms.usage.perObjectThreshold) return [];
    return [{
      summary: `${count} object-level KMS requests for ${served.resource} this hour: S3 Bucket Keys are off`,
      resources: [served.resource, keyArn],
      keyArn,
      dedupResource: served.resource,
      current: { objectLevelRequestsThisHour: count },
    }];
  },
};

export const perObjectDataKeysDocs: RuleDocs = {
  description:
    'Data-key calls carry an object ARN as encryption context: S3 Bucket Keys are off for this bucket, so every object write and ' +
    'read is a KMS request (cost, and a share of the KMS request quota). Sent once per bucket and hour when the count reaches ' +
    'perObjectThreshold, with the observed rate.',
  references: [S3_BUCKET_KEY_DOCS],
  fixtures: { positive: ['scenarios/decrypt-spike/'], negative: ['scenarios/decrypt-steady/'] },
};
