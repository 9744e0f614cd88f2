import { normalizeKeyRef, partitionOf, s3BucketArn } from '../../correlate/arn.js';
import { bucketArnOf, objectArnOf } from '../../correlate/s3.js';
import type { CloudTrailEvent, JsonObject } from '../../events/types.js';
import type { FindingDraft, Rule, RuleDocs } from '../rule.js';
import { isKmsAlgorithm, MITRE_IMPACT_ENCRYPTED, S3_SOURCE } from './common.js';

const SSE = 'x-amz-server-side-encryption';
const SSE_KEY = 'x-amz-server-side-encryption-aws-kms-key-id';

interface AppliedEncryption {
  sseAlgorithm: string;
  kmsKeyArn?: string;
}

/** What a write asked for: SSE headers (request, echoed in the response), or UpdateObjectEncryption's body. */
function appliedEncryption(event: CloudTrailEvent): AppliedEncryption | undefined {
  const request = event.requestParameters;
  const response = event.responseElements;
  const update = (request['ObjectEncryption'] as JsonObject | undefined)?.['SSEKMS'] as JsonObject | undefined;
  const algorithm = update ? 'aws:kms' : (request[SSE] ?? response[SSE]);
  if (typeof algorithm !== 'string') return undefined;
  const applied: AppliedEncryption = { sseAlgorithm: algorithm.toLowerCase() === 'aes256' ? 'AES256' : algorithm };
  const key = update?.['KMSKeyArn'] ?? request[SSE_KEY] ?? response[SSE_KEY];
  if (typeof key === 'string') {
    const ref = normalizeKeyRef(key, { region: event.awsRegion, accountId: event.principal.accountId ?? event.account });
    applied.kmsKeyArn = ref?.keyArn ?? ref?.aliasArn ?? key;
  }
  return applied;
}

export const s3ObjectUnexpectedEncryption: Rule = {
  id: 's3.object-unexpected-encryption',
  title: 'S3 object written with encryption other than the bucket requires',
  severity: 'HIGH',
  runbook: [
    '1. Identify the writer ("by"); if unexpected, revoke its credentials.',
    '2. Re-encrypt the object under the right key: aws s3 cp s3://<bucket>/<key> s3://<bucket>/<key> --sse aws:kms --sse-kms-key-id <key ARN> (while the foreign key still works).',
    '3. Enforce the key with a bucket policy Deny on s3:PutObject with StringNotEquals s3:x-amz-server-side-encryption-aws-kms-key-id.',
  ].join('\n'),
  triggers: [{
    eventSource: S3_SOURCE,
    eventNames: ['PutObject', 'CopyObject', 'CreateMultipartUpload', 'InitiateMultipartUpload', 'UpdateObjectEncryption'],
    // writes that name no SSE get the bucket default: by definition what the bucket expects
    detailFilter: { $or: [{ requestParameters: { [SSE]: [{ exists: true }] } }, { eventName: ['UpdateObjectEncryption'] }] },
  }],
  match(event, { ledger, policy }): FindingDraft[] {
    if (event.errorCode) return [];
    const applied = appliedEncryption(event);
    const bucketArn = bucketArnOf(event) ?? (typeof event.requestParameters['bucketName'] === 'string' ? s3BucketArn(event.requestParameters['bucketName'], partitionOf(event.awsRegion)) : undefined);
    if (!applied || !bucketArn) return [];
    const objectArn = objectArnOf(event) ?? bucketArn;
    const requirements = policy.forBucket(bucketArn);
    const bucketDefault = ledger.bucket(bucketArn)?.encryption;
    const enforcedKeys = ledger.policyEnforcement('bucket-policy', bucketArn)?.requiredKeys ?? [];
    const base = { resources: [objectArn, bucketArn], dedupResource: `${bucketArn}|${event.principal.id}`, current: applied };

    if (!isKmsAlgorithm(applied.sseAlgorithm)) {
      const requiresKms = requirements.requireKms || isKmsAlgorithm(bucketDefault?.sseAlgorithm) || enforcedKeys.length > 0;
      if (!requiresKms) return [];
      return [{ ...base, summary: `${event.eventName} wrote ${objectArn} with ${applied.sseAlgorithm} where the bucket requires SSE-KMS`, ...(bucketDefault ? { previous: bucketDefault } : {}) }];
    }
    const key = applied.kmsKeyArn;
    if (!key) return []; // aws:kms without a key id: the bucket default key or aws/s3, judged by the bucket rules
    const verdict = policy.judgeKey(key, event.account, requirements);
    const expected = enforcedKeys.length ? enforcedKeys : bucketDefault?.kmsKeyArn && isKmsAlgorithm(bucketDefault.sseAlgorithm) ? [bucketDefault.kmsKeyArn] : [];
    const mismatch = expected.length > 0 && !expected.includes(key);
    if (verdict.approved && !mismatch) return [];
    const why = !verdict.approved ? verdict.reason : `the bucket expects ${expected.join(' or ')}`;
    return [{ ...base, keyArn: key, severity: verdict.untrustedAccount ? 'CRITICAL' : 'HIGH', summary: `${event.eventName} wrote ${objectArn} under KMS key ${key}: ${why}` }];
  },
};

export const s3ObjectUnexpectedEncryptionDocs: RuleDocs = {
  description:
    'An object write (PutObject, CopyObject, multipart upload, UpdateObjectEncryption) asked for SSE-S3 where the bucket requires ' +
    'SSE-KMS (policy file, bucket policy, or its SSE-KMS default as the ledger knows it), or for a KMS key other than the one required ' +
    'or approved. CRITICAL when the key belongs to an untrusted account: copying objects in place under a foreign key is ransomware.',
  references: [MITRE_IMPACT_ENCRYPTED, 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html'],
  fixtures: { positive: ['s3/CopyObject.foreign-kms-key.json', 's3/PutObject.sse-s3-override.json'], negative: ['s3/PutObject.sse-kms.json', 's3/PutObject.bucket-default.json'] },
};
