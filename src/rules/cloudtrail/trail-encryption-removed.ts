import { trailArnOf } from '../../correlate/cloudtrail.js';
import type { Rule, RuleDocs } from '../rule.js';
import { CLOUDTRAIL_SOURCE, MITRE_DISABLE_CLOUD_LOGS } from './common.js';

export const trailEncryptionRemoved: Rule = {
  id: 'cloudtrail.trail-encryption-removed',
  title: 'CloudTrail log encryption with KMS removed',
  severity: 'HIGH',
  runbook: [
    '1. Restore the key: aws cloudtrail update-trail --name <trail ARN> --kms-key-id <trail key ARN>.',
    '2. Check the trail key policy still lets cloudtrail.amazonaws.com call kms:GenerateDataKey* with the aws:cloudtrail:arn context.',
    '3. Review who changed it ("by") and who read the log bucket while logs were unencrypted.',
  ].join('\n'),
  triggers: [{ eventSource: CLOUDTRAIL_SOURCE, eventNames: ['UpdateTrail'] }],
  match(event) {
    if (event.errorCode) return [];
    const requested = event.requestParameters['kmsKeyId'];
    if (requested !== '') return [];
    const trail = trailArnOf(event) ?? 'unknown trail';
    return [{ summary: `trail ${trail} no longer encrypts its log files with KMS (kmsKeyId set to "")`, resources: [trail], current: { kmsKeyId: null } }];
  },
};

export const trailEncryptionRemovedDocs: RuleDocs = {
  description:
    'UpdateTrail removed the trail\'s SSE-KMS key (the console sends kmsKeyId ""). Log files are then written with SSE-S3: ' +
    'anyone with s3:GetObject on the log bucket can read them, without any KMS permission.',
  references: [MITRE_DISABLE_CLOUD_LOGS, 'CIS AWS Foundations Benchmark 3.5 Ensure CloudTrail logs are encrypted at rest using KMS CMKs', 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/encrypting-cloudtrail-log-files-with-aws-kms.html'],
  fixtures: { positive: ['cloudtrail/UpdateTrail.kms-removed.json'], negative: ['cloudtrail/UpdateTrail.kms-set.json'] },
};
