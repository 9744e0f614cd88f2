import { BoundedCache } from '../util/bounded-cache.js';
import type { IdentityKind, Principal } from './types.js';

const KNOWN_KINDS = new Set<IdentityKind>([
  'IAMUser', 'AssumedRole', 'Root', 'FederatedUser', 'AWSService', 'AWSAccount', 'IdentityCenterUser',
]);

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

const ASSUMED_ROLE_ARN = /^arn:([^:]+):sts::(\d{12}):assumed-role\/(.+)\/([^/]+)$/;
/** A few sessions make most calls of a stream: each ARN is split once. */
const splits = new BoundedCache<Readonly<{ roleArn?: string; sessionName?: string }>>();

/** arn:aws:sts::111122223333:assumed-role/Admins/alice → role ARN and session name. */
function splitAssumedRoleArn(arn: string): Readonly<{ roleArn?: string; sessionName?: string }> {
  const known = splits.get(arn);
  if (known !== undefined) return known;
  const match = ASSUMED_ROLE_ARN.exec(arn);
  return splits.set(arn, Object.freeze(match ? { roleArn: `arn:${match[1]}:iam::${match[2]}:role/${match[3]}`, sessionName: match[4]! } : {}));
}

/**
 * Normalises CloudTrail's userIdentity variants: IAM user, assumed role (with or without sessionContext),
 * root, AWS service principals (`type: AWSService` + `invokedBy`), AWS-internal service events
 * (`invokedBy: "AWS Internal"` and no type), anonymous callers, and a principal acting through a service
 * (principal fields plus `invokedBy`).
 */
export function normalizePrincipal(userIdentity: Record<string, unknown> | null | undefined): Principal {
  if (!userIdentity) return principalOf({ kind: 'Unknown', id: 'unknown' }, {});
  const type = str(userIdentity['type']);
  const arn = str(userIdentity['arn']);
  const accountId = str(userIdentity['accountId']);
  const invokedBy = str(userIdentity['invokedBy']);
  const principalId = str(userIdentity['principalId']);

  if (!type && invokedBy === 'AWS Internal') {
    return principalOf({ kind: 'AWSInternal', id: 'AWS Internal' }, { accountId, invokedBy });
  }
  if (type === 'AWSService') {
    return principalOf({ kind: 'AWSService', id: invokedBy ?? principalId ?? 'AWSService' }, { accountId, invokedBy });
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
  return principalOf({ kind, id: arn ?? principalId ?? invokedBy ?? accountId ?? 'unknown' }, optional);
}

/**
 * Every field present, set or undefined: principals of one shape keep the rules' reads of them monomorphic (setting
 * only the fields with a value gave each kind of caller a shape of its own).
 */
export function principalOf(principal: Pick<Principal, 'kind' | 'id'>, optional: Partial<Principal>): Principal {
  return {
    kind: principal.kind,
    id: principal.id,
    arn: optional.arn,
    accountId: optional.accountId,
    roleArn: optional.roleArn,
    sessionName: optional.sessionName,
    invokedBy: optional.invokedBy,
  };
}

/** True when the call was made by (or through) the given AWS service principal. */
export function isServicePrincipal(principal: Principal, service: string, sourceIp?: string, userAgent?: string): boolean {
  return principal.invokedBy === service || principal.id === service || sourceIp === service || userAgent === service;
}
