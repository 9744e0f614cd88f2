import type { Rule, RuleDocs } from '../rule.js';
import { isKmsAlgorithm, plain, putBucketEncryption, S3_DEFAULT_ENCRYPTION_DOCS, S3_SOURCE } from './common.js';

export const s3KeyAliasReference: Rule = {
  id: 's3.key-alias-reference',
  title: 'S3 bucket default encryption names its KMS key by alias',
  severity: 'MEDIUM',
  runbook: [
    '1. Look up the key the alias points to: aws kms describe-key --key-id <alias>.',
    '2. Set the key by ARN instead: aws s3api put-bucket-encryption with KMSMasterKeyID=<key ARN>.',
  ].join('\n'),
  triggers: [{ eventSource: S3_SOURCE, eventNames: ['PutBucketEncryption'] }],
  match(event) {
    const put = putBucketEncryption(event);
    const key = put?.requested.keyRef;
    if (!put || !isKmsAlgorithm(put.requested.sseAlgorithm) || (key?.kind !== 'alias' && key?.kind !== 'alias-arn')) return [];
    if (key.input.endsWith('alias/aws/s3')) return [];
    return [{ summary: `default encryption names its key by alias (${key.input}): it resolves in each writer's account`, resources: [put.bucketArn], current: plain(put.requested) }];
  },
};

export const s3KeyAliasReferenceDocs: RuleDocs = {
  description:
    'KMSMasterKeyID is an alias. S3 resolves an alias in the account of the principal writing the object, not the bucket owner\'s: ' +
    'a writer from another account encrypts with a key of its own account, which the bucket owner may not be able to use. ' +
    'Repointing the alias also silently re-keys new objects.',
  references: [S3_DEFAULT_ENCRYPTION_DOCS, 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/specifying-kms-encryption.html'],
  fixtures: { positive: ['s3/PutBucketEncryption.alias.json'], negative: ['s3/PutBucketEncryption.kms-rule-array.json'] },
};
