import type { Rule, RuleDocs } from '../rule.js';
import { isKmsAlgorithm, plain, putBucketEncryption, S3_DEFAULT_ENCRYPTION_DOCS, S3_SOURCE } from './common.js';

export const s3AwsManagedKey: Rule = {
  id: 's3.aws-managed-key',
  title: 'S3 bucket encrypted with the AWS managed key aws/s3',
  severity: 'MEDIUM',
  runbook: [
    '1. Create or pick a customer managed key whose policy names the readers and writers of this bucket.',
    '2. Set it by ARN: aws s3api put-bucket-encryption with KMSMasterKeyID=<key ARN> and BucketKeyEnabled: true.',
  ].join('\n'),
  triggers: [{ eventSource: S3_SOURCE, eventNames: ['PutBucketEncryption'] }],
  match(event) {
    const put = putBucketEncryption(event);
    if (!put || !isKmsAlgorithm(put.requested.sseAlgorithm)) return [];
    const key = put.requested.keyRef;
    const managed = !put.requested.kmsKeyArn || (key?.aliasArn ?? key?.input ?? '').endsWith('alias/aws/s3');
    if (!managed) return [];
    return [{ summary: 'default encryption uses the AWS managed key aws/s3: no key policy of yours controls access', resources: [put.bucketArn], current: plain(put.requested) }];
  },
};

export const s3AwsManagedKeyDocs: RuleDocs = {
  description:
    'SSE-KMS without a KMSMasterKeyID (or with alias/aws/s3) uses the AWS managed key: its key policy cannot be changed, it cannot be ' +
    'shared across accounts, and anyone in the account with s3:GetObject can decrypt through S3.',
  references: [S3_DEFAULT_ENCRYPTION_DOCS, 'https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key'],
  fixtures: { positive: ['s3/PutBucketEncryption.aws-managed-key.json'], negative: ['s3/PutBucketEncryption.kms-rule-array.json'] },
};
