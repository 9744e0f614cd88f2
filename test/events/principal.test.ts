import { describe, expect, it } from 'vitest';
import { isServicePrincipal, normalizePrincipal } from '../../src/events/principal.js';

describe('normalizePrincipal', () => {
  it('reads an IAM user', () => {
    expect(normalizePrincipal({ type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/Alice', accountId: '111122223333' }))
      .toEqual({ kind: 'IAMUser', id: 'arn:aws:iam::111122223333:user/Alice', arn: 'arn:aws:iam::111122223333:user/Alice', accountId: '111122223333' });
  });

  it('reads an assumed role with its issuer and session', () => {
    const p = normalizePrincipal({
      type: 'AssumedRole', principalId: 'AROAEXAMPLE:alice', arn: 'arn:aws:sts::111122223333:assumed-role/Admins/alice', accountId: '111122223333',
      sessionContext: { sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::111122223333:role/team/Admins' }, attributes: { mfaAuthenticated: 'false' } },
    });
    expect(p).toMatchObject({ kind: 'AssumedRole', roleArn: 'arn:aws:iam::111122223333:role/team/Admins', sessionName: 'alice' });
  });

  it('derives the role from the session ARN when sessionContext is missing', () => {
    const p = normalizePrincipal({ type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/Admins/bob' });
    expect(p).toMatchObject({ roleArn: 'arn:aws:iam::111122223333:role/Admins', sessionName: 'bob' });
  });

  it('reads an AWS service principal', () => {
    const p = normalizePrincipal({ type: 'AWSService', invokedBy: 'maintenance.s3tables.amazonaws.com' });
    expect(p).toEqual({ kind: 'AWSService', id: 'maintenance.s3tables.amazonaws.com', invokedBy: 'maintenance.s3tables.amazonaws.com' });
    expect(isServicePrincipal(p, 'maintenance.s3tables.amazonaws.com')).toBe(true);
  });

  it('reads AWS-internal service events (no type)', () => {
    expect(normalizePrincipal({ accountId: '111122223333', invokedBy: 'AWS Internal' })).toMatchObject({ kind: 'AWSInternal', id: 'AWS Internal' });
  });

  it('keeps invokedBy for a principal acting through a service', () => {
    const p = normalizePrincipal({ type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/Admins/x', invokedBy: 'internal.amazonaws.com' });
    expect(p).toMatchObject({ kind: 'AssumedRole', invokedBy: 'internal.amazonaws.com' });
  });

  it('reads anonymous callers and missing identities', () => {
    expect(normalizePrincipal({ type: 'AWSAccount', principalId: '', accountId: 'anonymous' })).toMatchObject({ kind: 'AWSAccount', id: 'anonymous' });
    expect(normalizePrincipal(undefined)).toEqual({ kind: 'Unknown', id: 'unknown' });
  });
});
