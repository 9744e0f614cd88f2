import { parseS3Arn } from '../../correlate/arn.js';
import { objectArnOf } from '../../correlate/s3.js';
import type { Rule, RuleDocs } from '../rule.js';
import { MITRE_IMPACT_ENCRYPTED, S3_SOURCE, S3_SSE_C_DOCS } from './common.js';

const SSE_C_HEADER = 'x-amz-server-side-encryption-customer-algorithm';

export const s3SseCWrite: Rule = {
  id: 's3.sse-c-write',
  title: 'S3 object written with a customer-provided key (SSE-C)',
  severity: 'CRITICAL',
  runbook: [
    '1. Identify the principal ("by") and revoke its credentials if unexpected.',
    '2. Find every SSE-C write by that principal (this finding per object, or data events) and restore those objects from versions or backups.',
    '3. Block SSE-C on the bucket: put-bucket-encryption with "BlockedEncryptionTypes": {"EncryptionType": ["SSE-C"]}, or deny s3:PutObject when s3:x-amz-server-side-encryption-customer-algorithm is present.',
  ].join('\n'),
  triggers: [{
    eventSource: S3_SOURCE,
    eventNames: ['PutObject', 'CopyObject', 'CreateMultipartUpload', 'InitiateMultipartUpload'],
    detailFilter: { requestParameters: { [SSE_C_HEADER]: [{ exists: true }] } },
  }],
  match(event) {
    if (event.errorCode) return [];
    const sseC = event.requestParameters[SSE_C_HEADER] ?? event.responseElements[SSE_C_HEADER] ?? (event.additionalEventData['SSEApplied'] === 'SSE_C' ? 'AES256' : undefined);
    if (sseC === undefined) return [];
    const objectArn = objectArnOf(event);
    const bucketArn = objectArn ? parseS3Arn(objectArn)?.bucketArn : undefined;
    const resources = [objectArn, bucketArn].filter((arn): arn is string => arn !== undefined);
    return [{
      summary: `${event.eventName} wrote ${objectArn ?? 'an object'} with a customer-provided key: only the caller can read it now`,
      resources,
      dedupResource: `${bucketArn ?? 'unknown'}|${event.principal.id}`,
      current: { encryption: 'SSE-C', algorithm: sseC },
    }];
  },
};

export const s3SseCWriteDocs: RuleDocs = {
  description:
    'An object write (PutObject, CopyObject, multipart upload) used SSE-C: the caller supplied the AES-256 key and AWS keeps none. ' +
    'Copying objects in place under an attacker\'s SSE-C key is the known S3 ransomware technique — only the key holder can read them afterwards.',
  references: [MITRE_IMPACT_ENCRYPTED, S3_SSE_C_DOCS, 'https://stratus-red-team.cloud/attack-techniques/AWS/aws.impact.s3-ransomware-client-side-encryption/'],
  fixtures: { positive: ['s3/CopyObject.sse-c.json'], negative: ['s3/PutObject.sse-kms.json', 's3/PutObject.bucket-default.json'] },
};
