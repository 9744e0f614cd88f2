import type { Finding } from '../../src/alerts/finding.js';
import { policyFromInput } from '../../src/policy/load.js';
import { Policy } from '../../src/policy/policy.js';
import type { PolicyInput } from '../../src/policy/schema.js';

export const ACCOUNT = '111122223333';
export const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
export const OTHER_KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/aaaaaaaa-0000-4000-8000-000000000002`;
export const FOREIGN_KEY = 'arn:aws:kms:us-east-1:444455556666:key/f00dbabe-1111-2222-3333-444455556666';
export const TABLE_BUCKET = `arn:aws:s3tables:us-east-1:${ACCOUNT}:bucket/sales-lake`;
export const BUCKET = 'arn:aws:s3:::payroll-exports';
export const REMEDIATOR_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/sse-sentinel-dev-remediator/sse-sentinel-dev-remediator`;
export const REMEDIATOR_ROLE = `arn:aws:iam::${ACCOUNT}:role/sse-sentinel-dev-remediator`;

export function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    ruleId: 's3tables.bucket-encryption-removed',
    severity: 'HIGH',
    title: 'S3 table bucket default encryption removed',
    summary: 'default encryption of table bucket removed',
    eventId: 'e0000000-0000-4000-8000-00000000000a',
    eventName: 'DeleteTableBucketEncryption',
    eventSource: 's3tables.amazonaws.com',
    eventTime: '2025-01-10T10:00:00Z',
    account: ACCOUNT,
    region: 'us-east-1',
    principal: `arn:aws:iam::${ACCOUNT}:user/mallory`,
    actor: { kind: 'IAMUser' },
    resources: [TABLE_BUCKET],
    previous: { sseAlgorithm: 'aws:kms', kmsKeyArn: KEY },
    current: { sseAlgorithm: 'AES256' },
    dedupKey: `s3tables.bucket-encryption-removed|${TABLE_BUCKET}`,
    ...overrides,
  };
}

export function keyFinding(ruleId: 'kms.key-deletion-scheduled' | 'kms.key-disabled', previousState?: string, overrides: Partial<Finding> = {}): Finding {
  return finding({
    ruleId,
    eventName: ruleId === 'kms.key-disabled' ? 'DisableKey' : 'ScheduleKeyDeletion',
    eventSource: 'kms.amazonaws.com',
    resources: [KEY],
    keyArn: KEY,
    previous: previousState ? { keyState: previousState } : undefined,
    blastRadius: { keyArn: KEY, tableBuckets: { count: 1, arns: [TABLE_BUCKET] }, tables: { count: 0, arns: [] }, buckets: { count: 0, arns: [] } },
    dedupKey: `${ruleId}|${KEY}`,
    ...overrides,
  });
}

export function policy(input: PolicyInput = {}): Policy {
  return policyFromInput(input);
}

export function awsError(name: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 }, ...extra });
}
