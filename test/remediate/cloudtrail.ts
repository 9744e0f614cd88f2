import type { ApiCall } from '../../src/remediate/types.js';
import { ACCOUNT, REMEDIATOR_ROLE, REMEDIATOR_SESSION } from './fixtures.js';

let counter = 0;

export const MALLORY = { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/mallory`, accountId: ACCOUNT, principalId: 'AIDAMALLORY' };

export const REMEDIATOR_IDENTITY = {
  type: 'AssumedRole',
  principalId: 'AROAREMEDIATOR:sse-sentinel-dev-remediator',
  arn: REMEDIATOR_SESSION,
  accountId: ACCOUNT,
  sessionContext: { sessionIssuer: { type: 'Role', principalId: 'AROAREMEDIATOR', arn: REMEDIATOR_ROLE, accountId: ACCOUNT, userName: 'sse-sentinel-dev-remediator' } },
};

/** An EventBridge "AWS API Call via CloudTrail" event around a CloudTrail record. */
export function apiEvent(eventSource: string, eventName: string, requestParameters: Record<string, unknown>, options: { time: string; identity?: object; responseElements?: unknown; readOnly?: boolean }): Record<string, unknown> {
  const id = `e${String(++counter).padStart(7, '0')}-0000-4000-8000-remediation0`;
  return {
    version: '0',
    id: `c${id.slice(1)}`,
    'detail-type': 'AWS API Call via CloudTrail',
    source: `aws.${eventSource.split('.')[0]}`,
    account: ACCOUNT,
    time: options.time,
    region: 'us-east-1',
    resources: [],
    detail: {
      eventVersion: '1.11',
      userIdentity: options.identity ?? MALLORY,
      eventTime: options.time,
      eventSource,
      eventName,
      awsRegion: 'us-east-1',
      sourceIPAddress: '203.0.113.10',
      requestParameters,
      responseElements: options.responseElements ?? null,
      eventID: id,
      readOnly: options.readOnly ?? /^(Get|Describe|List)/.test(eventName),
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: ACCOUNT,
    },
  };
}

/**
 * The CloudTrail event the remediator's own call produces, in the shapes CloudTrail records them: S3 names the bucket
 * `bucketName` and nests the XML body; S3 Tables and KMS record the API input with lower-camel member names.
 */
export function eventOfCall(call: ApiCall, time: string): Record<string, unknown> {
  const input = call.input;
  const options = { time, identity: REMEDIATOR_IDENTITY };
  switch (call.service) {
    case 's3': {
      const base = { bucketName: input['Bucket'], Host: `${String(input['Bucket'])}.s3.us-east-1.amazonaws.com` };
      if (call.operation === 'PutBucketEncryption') {
        const rule = (input['ServerSideEncryptionConfiguration'] as { Rules: unknown[] }).Rules[0];
        return apiEvent('s3.amazonaws.com', call.operation, { ...base, ServerSideEncryptionConfiguration: { xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/', Rule: rule }, encryption: '' }, options);
      }
      if (call.operation === 'PutBucketPolicy') return apiEvent('s3.amazonaws.com', call.operation, { ...base, bucketPolicy: JSON.parse(String(input['Policy'])), policy: '' }, options);
      return apiEvent('s3.amazonaws.com', call.operation, { ...base, [call.operation === 'GetBucketPolicy' ? 'policy' : 'encryption']: '' }, options);
    }
    case 's3tables':
      return apiEvent('s3tables.amazonaws.com', call.operation, input, options);
    case 'kms': {
      const keyId = input['KeyId'];
      const response = call.operation === 'CancelKeyDeletion' ? { keyId } : call.operation === 'DescribeKey' ? null : null;
      return apiEvent('kms.amazonaws.com', call.operation, { keyId }, { ...options, responseElements: response });
    }
  }
}
