import { describe, expect, it } from 'vitest';
import { analyzeKeyPolicy, principalAccount, s3SseEnforcement, s3TablesSseEnforcement } from '../../src/correlate/policy-analysis.js';
import { parsePolicyDocument, type PolicyDocument } from '../../src/events/policy-document.js';

const doc = (value: unknown): PolicyDocument => {
  const parsed = parsePolicyDocument(value);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.document;
};
const deny = (condition: Record<string, unknown>, action: unknown = 's3:PutObject') => ({ Effect: 'Deny', Principal: '*', Action: action, Resource: 'arn:aws:s3:::b/*', Condition: condition });

describe('s3SseEnforcement', () => {
  it('recognises the three documented forms, with any key casing and action wildcards', () => {
    expect(s3SseEnforcement(doc({ Statement: deny({ StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } }) })).enforced).toBe(true);
    expect(s3SseEnforcement(doc({ Statement: [deny({ StringNotEqualsIfExists: { 'S3:X-Amz-Server-Side-Encryption-AWS-KMS-Key-Id': ['arn:aws:kms:us-east-1:111122223333:key/k'] } }, ['s3:Put*'])] }))).toEqual({
      enforced: true, requiredKeys: ['arn:aws:kms:us-east-1:111122223333:key/k'], statements: ['#0'],
    });
    expect(s3SseEnforcement(doc(JSON.stringify({ Statement: [{ Sid: 'NoKey', ...deny({ Null: { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'true' } }, '*') }] }))).statements).toEqual(['NoKey']);
  });

  it('does not count an Allow, a Deny on another action, or a condition that enforces SSE-S3', () => {
    expect(s3SseEnforcement(doc({ Statement: [{ ...deny({ StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } }), Effect: 'Allow' }] })).enforced).toBe(false);
    expect(s3SseEnforcement(doc({ Statement: [deny({ StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } }, 's3:GetObject')] })).enforced).toBe(false);
    expect(s3SseEnforcement(doc({ Statement: [deny({ StringNotEquals: { 's3:x-amz-server-side-encryption': 'AES256' } })] })).enforced).toBe(false);
    expect(s3SseEnforcement(undefined).enforced).toBe(false);
  });
});

describe('s3TablesSseEnforcement', () => {
  it('recognises Deny CreateTable conditioned on s3tables:sseAlgorithm or s3tables:kmsKeyArn', () => {
    const policy = doc({ Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3tables:*', Resource: '*', Condition: { StringNotEquals: { 's3tables:kmsKeyArn': 'arn:aws:kms:us-east-1:111122223333:key/k' } } }] });
    expect(s3TablesSseEnforcement(policy)).toMatchObject({ enforced: true, requiredKeys: ['arn:aws:kms:us-east-1:111122223333:key/k'] });
  });
});

describe('analyzeKeyPolicy', () => {
  const trusted = (account: string) => account === '777788889999';
  it('flags "*" principals unless a condition restricts the caller to concrete values', () => {
    const open = analyzeKeyPolicy(doc({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } }] }), '111122223333', trusted);
    expect(open.publicStatements).toEqual(['#0']);
    const wildcardCondition = analyzeKeyPolicy(doc({ Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:*', Resource: '*', Condition: { StringLike: { 'aws:PrincipalOrgID': '*' } } }] }), '111122223333', trusted);
    expect(wildcardCondition.publicStatements).toEqual(['#0']);
    const restricted = analyzeKeyPolicy(doc({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { StringEquals: { 'kms:CallerAccount': '111122223333' } } }] }), '111122223333', trusted);
    expect(restricted.publicStatements).toEqual([]);
  });

  it('lists accounts that are neither the key\'s nor trusted', () => {
    const analysis = analyzeKeyPolicy(doc({ Statement: [{ Effect: 'Allow', Principal: { AWS: ['arn:aws:iam::444455556666:role/x', '777788889999', 'arn:aws:iam::111122223333:root'] }, Action: 'kms:Decrypt', Resource: '*' }] }), '111122223333', trusted);
    expect(analysis.externalAccounts).toEqual(['444455556666']);
  });

  it('knows whether a service principal may GenerateDataKey and Decrypt', () => {
    const service = 'maintenance.s3tables.amazonaws.com';
    const allow = { Effect: 'Allow', Principal: { Service: service }, Action: ['kms:GenerateDataKey*', 'kms:Decrypt'], Resource: '*' };
    expect(analyzeKeyPolicy(doc({ Statement: [allow] }), '1', trusted).allowsService(service)).toBe(true);
    expect(analyzeKeyPolicy(doc({ Statement: [{ ...allow, Action: 'kms:Decrypt' }] }), '1', trusted).allowsService(service)).toBe(false);
    expect(analyzeKeyPolicy(doc({ Statement: [allow, { Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*' }] }), '1', trusted).allowsService(service)).toBe(false);
  });
});

describe('principalAccount', () => {
  it('reads account ids from ids and ARNs', () => {
    expect(principalAccount('123456789012')).toBe('123456789012');
    expect(principalAccount('arn:aws:iam::123456789012:role/x')).toBe('123456789012');
    expect(principalAccount('EX_PRINCIPAL_ID')).toBeUndefined();
  });
});
