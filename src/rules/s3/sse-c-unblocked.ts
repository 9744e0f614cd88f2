import type { Rule, RuleDocs } from '../rule.js';
import { MITRE_IMPACT_ENCRYPTED, plain, putBucketEncryption, S3_SOURCE, S3_SSE_C_DOCS } from './common.js';

export const s3SseCUnblocked: Rule = {
  id: 's3.sse-c-unblocked',
  title: 'S3 bucket stopped blocking SSE-C writes',
  severity: 'HIGH',
  runbook: [
    '1. Block SSE-C again: put-bucket-encryption with "BlockedEncryptionTypes": {"EncryptionType": ["SSE-C"]} in the rule.',
    '2. Check for SSE-C writes since the change (s3.sse-c-write findings, or data events with x-amz-server-side-encryption-customer-algorithm).',
  ].join('\n'),
  triggers: [{ eventSource: S3_SOURCE, eventNames: ['PutBucketEncryption'] }],
  match(event, { ledger }) {
    const put = putBucketEncryption(event);
    if (!put) return [];
    const before = ledger.bucket(put.bucketArn)?.encryption?.blockedEncryptionTypes ?? [];
    const after = put.requested.blockedEncryptionTypes ?? [];
    if (!before.includes('SSE-C') || after.includes('SSE-C')) return [];
    return [{ summary: 'SSE-C is no longer blocked on this bucket: writes with customer-provided keys are accepted again', resources: [put.bucketArn], previous: { blockedEncryptionTypes: before }, current: plain(put.requested) }];
  },
};

export const s3SseCUnblockedDocs: RuleDocs = {
  description:
    'PutBucketEncryption left out BlockedEncryptionTypes SSE-C on a bucket that blocked it. Writes with customer-provided keys ' +
    '(SSE-C) are the known S3 ransomware technique: AWS keeps no copy of the key.',
  references: [MITRE_IMPACT_ENCRYPTED, S3_SSE_C_DOCS],
  fixtures: { positive: ['s3/PutBucketEncryption.sse-c-unblocked.json'], negative: ['s3/PutBucketEncryption.kms-rule-array.json'] },
};
