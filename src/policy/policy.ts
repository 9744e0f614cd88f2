import { keyAccount, parseS3Arn, parseS3TablesArn } from '../correlate/arn.js';
import type { PolicyDocument, RemediationMode, resourceRuleSchema, Severity } from './schema.js';
import type { z } from 'zod';

type ResourceRule = z.infer<typeof resourceRuleSchema>;

export function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

interface CompiledResourceRule {
  match: RegExp;
  requireKms?: boolean;
  approvedKeys?: CompiledKeys;
  remediationKey?: string;
}

interface CompiledKeys {
  patterns: string[];
  expressions: RegExp[];
}

function compileKeys(patterns: string[] | undefined): CompiledKeys | undefined {
  return patterns ? { patterns, expressions: patterns.map(globToRegExp) } : undefined;
}

function compileResourceRule(rule: ResourceRule): CompiledResourceRule {
  const approvedKeys = compileKeys(rule.approvedKeys);
  return {
    match: globToRegExp(rule.match),
    ...(rule.requireKms !== undefined ? { requireKms: rule.requireKms } : {}),
    ...(approvedKeys ? { approvedKeys } : {}),
    ...(rule.remediationKey ? { remediationKey: rule.remediationKey } : {}),
  };
}

export interface KeyVerdict {
  approved: boolean;
  /** Why, in words a person reads in an alert. */
  reason: string;
  /** True when the key belongs to an account that is neither the resource's nor trusted: the ransomware pattern. */
  untrustedAccount: boolean;
}

export interface ResourceRequirements {
  requireKms: boolean;
  approvedKeys?: RegExp[];
  approvedKeyPatterns?: string[];
  /** The key remediation restores when the ledger knows no approved previous key. */
  remediationKey?: string;
}

/** The user's policy, compiled for fast questions. */
export class Policy {
  private readonly tableBucketRules: CompiledResourceRule[];
  private readonly bucketRules: CompiledResourceRule[];
  private readonly trusted: Set<string>;
  /** Compiled once: requirements are asked for on every object write and key event. */
  private readonly defaultApprovedKeys: CompiledKeys | undefined;
  private readonly protectedKeys: RegExp[];
  private readonly selfRoles: RegExp[];
  /** Asked for every rule of every event: a set, not a lookup in the document's rule map each time. */
  private readonly disabledRules: ReadonlySet<string>;

  constructor(readonly document: PolicyDocument) {
    this.disabledRules = new Set(Object.entries(document.rules).flatMap(([id, setting]) => (setting?.mode === 'off' || setting?.enabled === false ? [id] : [])));
    this.defaultApprovedKeys = compileKeys(document.kms.approvedKeys);
    this.tableBucketRules = document.tableBuckets.map(compileResourceRule);
    this.bucketRules = document.buckets.map(compileResourceRule);
    this.trusted = new Set(document.trustedAccounts);
    this.protectedKeys = document.remediation.protectedKeys.map(globToRegExp);
    this.selfRoles = document.remediation.selfRoles.map(globToRegExp);
  }

  ruleEnabled(ruleId: string): boolean {
    return !this.disabledRules.has(ruleId);
  }

  /** The rule's remediation mode: its own, else the default (which only rules with an action get). */
  remediationMode(ruleId: string, remediable: boolean): RemediationMode {
    if (!this.ruleEnabled(ruleId)) return 'off';
    const own = this.document.rules[ruleId]?.mode;
    if (own) return own;
    return remediable ? this.document.remediation.defaultMode : 'alert';
  }

  /** Key patterns the remediation guards besides keys with a blast radius. */
  isProtectedKey(keyArn: string): boolean {
    return this.protectedKeys.some((re) => re.test(keyArn));
  }

  /** Is this role (or assumed-role session) ARN the remediator's own? */
  isSelfRole(arn: string | undefined): boolean {
    return arn !== undefined && this.selfRoles.some((re) => re.test(arn));
  }

  severityFor(ruleId: string, computed: Severity): Severity {
    return this.document.rules[ruleId]?.severity ?? computed;
  }

  forTableBucket(bucketArn: string): ResourceRequirements {
    return this.requirements(this.tableBucketRules, bucketArn, parseS3TablesArn(bucketArn)?.bucketName);
  }

  forBucket(bucketArn: string): ResourceRequirements {
    return this.requirements(this.bucketRules, bucketArn, parseS3Arn(bucketArn)?.bucket);
  }

  private requirements(rules: CompiledResourceRule[], arn: string, name: string | undefined): ResourceRequirements {
    const rule = rules.find((r) => r.match.test(arn) || (name !== undefined && r.match.test(name)));
    const keys = rule?.approvedKeys ?? this.defaultApprovedKeys;
    const requirements: ResourceRequirements = { requireKms: rule?.requireKms ?? this.document.kms.required };
    const remediationKey = rule?.remediationKey ?? this.document.kms.remediationKey;
    if (remediationKey) requirements.remediationKey = remediationKey;
    if (keys) {
      requirements.approvedKeyPatterns = keys.patterns;
      requirements.approvedKeys = keys.expressions;
    }
    return requirements;
  }

  isTrustedAccount(accountId: string, resourceAccount: string): boolean {
    return accountId === resourceAccount || this.trusted.has(accountId);
  }

  /**
   * Is this key acceptable for a resource? With approved keys configured, the key must match one; without,
   * any key of the resource's own account or of a trusted account is.
   */
  judgeKey(keyArn: string | undefined, resourceAccount: string, requirements: ResourceRequirements): KeyVerdict {
    if (!keyArn) return { approved: false, reason: 'no KMS key named', untrustedAccount: false };
    const owner = keyAccount(keyArn);
    const untrustedAccount = owner !== undefined && !this.isTrustedAccount(owner, resourceAccount);
    if (requirements.approvedKeys) {
      if (requirements.approvedKeys.some((re) => re.test(keyArn))) {
        return { approved: true, reason: 'key is in the approved set', untrustedAccount };
      }
      return {
        approved: false,
        reason: `key is not in the approved set (${requirements.approvedKeyPatterns!.join(', ')})`,
        untrustedAccount,
      };
    }
    if (!owner) return { approved: false, reason: `"${keyArn}" is not a key ARN`, untrustedAccount: false };
    if (untrustedAccount) {
      return { approved: false, reason: `key belongs to account ${owner}, which is neither the resource's (${resourceAccount}) nor trusted`, untrustedAccount };
    }
    return { approved: true, reason: 'key belongs to the resource\'s account or a trusted one', untrustedAccount };
  }
}
