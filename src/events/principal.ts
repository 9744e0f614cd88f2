import type { IdentityKind, Principal } from './types.js';

const KNOWN_KINDS = new Set<IdentityKind>([
  'IAMUser', 'AssumedRole', 'Root', 'FederatedUser', 'AWSService', 'AWSAccount', 'IdentityCenterUser',
]);

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** arn:aws:sts::111122223333:assumed-role/Admins/alice → role ARN and session name. */
function splitAssumedRoleArn(arn: string): { roleArn?: string; sessionName?: string } {
  const match = /^arn:([^:]+):sts::(\d{12}):assumed-role\/(.+)\/([^/]+)$/.exec(arn);
  if (!match) return {};
  const [, partition, account, roleName, sessionName] = match;
  return { roleArn: `arn:${partition}:iam::${account}:role/${roleName}`, sessionName };
}

/**
 * Normalises CloudTrail's userIdentity variants: IAM user, assumed role (with or without sessionContext),
 * root, AWS service principals (`type: AWSService` + `invokedBy`), AWS-internal service events
 * (`invokedBy: "AWS Internal"` and no type), anonymous callers, and a principal acting through a service
 * (principal fields plus `invokedBy`).
 */
export function normalizePrincipal(userIdentity: Record<string, unknown> | null | undefined): Principal {
  if (!userIdentity) return { kind: 'Unknown', id: 'unknown' };
  const type = str(userIdentity['type']);
  const arn = str(userIdentity['arn']);
  const accountId = str(userIdentity['accountId']);
  const invokedBy = str(userIdentity['invokedBy']);
  const principalId = str(userIdentity['principalId']);

  if (!type && invokedBy === 'AWS Internal') {
    return withOptional({ kind: 'AWSInternal', id: 'AWS Internal' }, { accountId, invokedBy });
  }
  if (type === 'AWSService') {
    return withOptional({ kind: 'AWSService', id: invokedBy ?? principalId ?? 'AWSService' }, { accountId, invokedBy });
  }
  const kind: IdentityKind = type && KNOWN_KINDS.has(type as IdentityKind) ? (type as IdentityKind) : 'Unknown';
  const optional: Partial<Principal> = { arn, accountId, invokedBy };
  if (kind === 'AssumedRole') {
    const sessionContext = userIdentity['sessionContext'] as Record<string, unknown> | undefined;
    const issuer = sessionContext?.['sessionIssuer'] as Record<string, unknown> | undefined;
    const fromArn = arn ? splitAssumedRoleArn(arn) : {};
    optional.roleArn = str(issuer?.['arn']) ?? fromArn.roleArn;
    optional.sessionName = fromArn.sessionName ?? principalId?.split(':')[1];
  }
  return withOptional({ kind, id: arn ?? principalId ?? invokedBy ?? accountId ?? 'unknown' }, optional);
}

/** Sets only the fields that have a value (never `delete`: it turns objects into slow dictionaries). */
function withOptional(principal: Principal, optional: Partial<Principal>): Principal {
  for (const key of ['arn', 'accountId', 'roleArn', 'sessionName', 'invokedBy'] as const) {
    const value = optional[key];
    if (value !== undefined) principal[key] = value;
  }
  return principal;
}

/** True when the call was made by (or through) the given AWS service principal. */
export function isServicePrincipal(principal: Principal, service: string, sourceIp?: string, userAgent?: string): boolean {
  return principal.invokedBy === service || principal.id === service || sourceIp === service || userAgent === service;
}
