import { z } from 'zod';

export const SEVERITIES = ['INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const severitySchema = z.enum(SEVERITIES);

const accountId = z.string().regex(/^\d{12}$/, 'an AWS account id is 12 digits');

/** A glob over ARNs: `*` matches any run of characters, `?` one character. */
const pattern = z.string().min(1);

const keyPattern = pattern.refine((value) => value.startsWith('arn:') || value === '*', {
  message: 'approved keys are key ARNs or ARN patterns (an alias resolves in the caller\'s account, so it cannot be approved)',
});

/** A concrete key ARN (no wildcard, no alias): remediation writes it into configurations, and an alias would resolve in the caller's account. */
const keyArn = z.string().regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/, 'a remediation key is a full key ARN (arn:aws:kms:<region>:<account>:key/<id>), never an alias or a pattern');

export const resourceRuleSchema = z.strictObject({
  /** Matches the resource ARN, or its bare name. */
  match: pattern,
  requireKms: z.boolean().optional(),
  approvedKeys: z.array(keyPattern).optional(),
  /** The key remediation restores when the ledger knows no approved previous key. */
  remediationKey: keyArn.optional(),
});

export const REMEDIATION_MODES = ['off', 'alert', 'dry-run', 'enforce'] as const;
export type RemediationMode = (typeof REMEDIATION_MODES)[number];

export const sinkRouteSchema = z.strictObject({
  minSeverity: severitySchema.default('LOW'),
  include: z.array(pattern).optional(),
  exclude: z.array(pattern).optional(),
});
export type SinkRoute = z.infer<typeof sinkRouteSchema>;

export const ruleSettingSchema = z.strictObject({
  enabled: z.boolean().optional(),
  severity: severitySchema.optional(),
  /**
   * off: the rule does not run; alert: findings only; dry-run (default for rules with a remediation action): say
   * exactly which calls would be made; enforce: make them.
   */
  mode: z.enum(REMEDIATION_MODES).optional(),
});

const remediationSchema = z.strictObject({
  /** true turns every action into dry-run, whatever the rules say (the deployed SSM kill switch does the same). */
  killSwitch: z.boolean().default(false),
  /** Mode of remediable rules that set none. */
  defaultMode: z.enum(REMEDIATION_MODES).default('dry-run'),
  /** Key ARN patterns whose deletion is cancelled and whose disabling is undone, besides keys with a known blast radius. */
  protectedKeys: z.array(keyPattern).default([]),
  /** Events from these role ARNs (globs) are the remediator's own and never acted on. */
  selfRoles: z.array(pattern).min(1).default(['arn:aws*:iam::*:role/sse-sentinel-*-remediator']),
  /** At most one action per resource in this many minutes; repeats are alerted only. */
  perResourceMinutes: z.number().int().min(1).default(60),
  /** Account-wide circuit breaker: more actions than this in one minute switches to alert-only… */
  maxActionsPerMinute: z.number().int().min(1).default(10),
  /** …for this many minutes. */
  breakerMinutes: z.number().int().min(1).default(60),
});
export type RemediationSettings = z.infer<typeof remediationSchema>;
const REMEDIATION_DEFAULTS = remediationSchema.parse({});

export const policySchema = z.strictObject({
  version: z.literal(1).default(1),
  /** Accounts whose KMS keys may protect our data. The resource's own account is always trusted. */
  trustedAccounts: z.array(accountId).default([]),
  kms: z
    .strictObject({
      /** Require SSE-KMS on every table bucket unless a tableBuckets entry says otherwise. */
      required: z.boolean().default(false),
      /** Key ARNs or patterns approved everywhere unless a tableBuckets entry says otherwise. */
      approvedKeys: z.array(keyPattern).optional(),
      /** The key remediation restores where no resource entry names one and the ledger knows no approved previous key. */
      remediationKey: keyArn.optional(),
      /** Thresholds of the usage rules (kms.decrypt-spike, kms.per-object-data-keys); counts are per hour. */
      usage: z
        .strictObject({
          /** A principal's decrypts for a resource in an hour above this many times its baseline are a spike… */
          spikeFactor: z.number().positive().default(10),
          /** …provided they reach at least this many (small numbers are noise). */
          spikeMinimum: z.number().int().positive().default(100),
          /** A hard ceiling per principal and resource per hour, whatever the baseline. */
          decryptCeilingPerHour: z.number().int().positive().optional(),
          /** Hours before the current one that make the baseline. */
          baselineHours: z.number().int().min(1).max(168).default(24),
          /** Object-level data-key requests per bucket per hour that make the Bucket Keys advisory worth sending. */
          perObjectThreshold: z.number().int().positive().default(100),
        })
        .default({ spikeFactor: 10, spikeMinimum: 100, baselineHours: 24, perObjectThreshold: 100 }),
    })
    .default({ required: false, usage: { spikeFactor: 10, spikeMinimum: 100, baselineHours: 24, perObjectThreshold: 100 } }),
  /** Per S3 table bucket; first match wins. */
  tableBuckets: z.array(resourceRuleSchema).default([]),
  /** Per S3 general-purpose bucket (glob over the bucket ARN or name); first match wins. */
  buckets: z.array(resourceRuleSchema).default([]),
  rules: z.record(z.string(), ruleSettingSchema).default({}),
  /** Silenced findings, each with why, who decided and until when; expired entries stop suppressing (and warn). */
  suppressions: z
    .array(
      z.strictObject({
        rule: pattern.optional(),
        principal: pattern.optional(),
        resource: pattern.optional(),
        account: pattern.optional(),
        reason: z.string().min(3),
        owner: z.string().min(1),
        expires: z.iso.date().or(z.iso.datetime()),
      }),
    )
    .default([]),
  alerts: z
    .strictObject({
      /** Repeats of a (rule, dedup key) inside this window are counted into one alert. */
      dedupMinutes: z.number().int().min(0).default(60),
      dedupMinutesByRule: z.record(z.string(), z.number().int().min(0)).default({}),
      /** Per sink: the lowest severity sent, and rule-id globs to include (default all) or exclude. */
      sinks: z.strictObject({ slack: sinkRouteSchema.optional(), sns: sinkRouteSchema.optional() }).default({}),
    })
    .default({ dedupMinutes: 60, dedupMinutesByRule: {}, sinks: {} }),
  /** Auto-remediation: modes, kill switch, the remediator's own roles and its budgets. */
  remediation: remediationSchema.default(REMEDIATION_DEFAULTS),
  /** This deployment's own resources, so that changes to them are reported (sentinel.detector-tampered). */
  detector: z
    .strictObject({
      /** Names of the rules, functions, topic, queues and table start with this (serverless: <service>-<stage>-). */
      namePrefixes: z.array(z.string().min(3)).min(1).default(['sse-sentinel-']),
      /**
       * The buckets its trails deliver log files to, whose events must keep reaching EventBridge for the logfile
       * function (the deployment adds its trailBucket parameter).
       */
      trailBuckets: z.array(z.string().min(3)).default([]),
    })
    .default({ namePrefixes: ['sse-sentinel-'], trailBuckets: [] }),
});

export type PolicyDocument = z.infer<typeof policySchema>;
export type PolicyInput = z.input<typeof policySchema>;
