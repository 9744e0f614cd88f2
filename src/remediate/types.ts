import type { KMSClient } from '@aws-sdk/client-kms';
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3TablesClient } from '@aws-sdk/client-s3tables';
import type { Finding } from '../alerts/finding.js';
import type { LedgerWriter, Version } from '../correlate/ledger-entries.js';
import type { Policy } from '../policy/policy.js';

/** One AWS API call, as it is (or would be) sent: what dry-run prints and what an outcome records. */
export interface ApiCall {
  service: 's3' | 's3tables' | 'kms';
  operation: string;
  input: Record<string, unknown>;
}

/** The SDK clients an action needs, per Region (buckets, table buckets and keys are regional). */
export interface RemediationClients {
  s3(region: string): S3Client;
  s3tables(region: string): S3TablesClient;
  kms(region: string): KMSClient;
}

/** What an action decided to do for a finding, before looking at AWS: pure, from the finding and the policy. */
export interface RemediationPlan {
  actionId: string;
  /** The resource acted on (budgets count per resource). */
  resource: string;
  region: string;
  account: string;
  /** "restore SSE-KMS with arn:… on table bucket …", for people. */
  intent: string;
  /** The write calls that bring the resource back, in order (without the reads that check and verify). */
  calls: ApiCall[];
}

export type PlanResult = { plan: RemediationPlan } | { skip: string };

export type OutcomeKind = 'applied' | 'dry-run' | 'skipped' | 'failed';

export interface ExecutionResult {
  kind: OutcomeKind;
  /** For skipped and failed: why (`already compliant`, the AWS error name and message). */
  reason?: string;
  /** The state read before acting, as AWS returned it: what would be needed to undo the action. */
  prior?: unknown;
  /** The state read after acting (verification). */
  after?: unknown;
  /** Every call made, reads included, in order. */
  calls: ApiCall[];
  /** Calls that were not made because this is a dry run. */
  wouldCall?: ApiCall[];
  /** True when a retry may succeed (throttling, timeouts, 5xx). */
  retryable?: boolean;
  /** What the ledger should learn from a verified change (the remediator's own events never reach the processor). */
  learn?: (ledger: LedgerWriter, version: Version) => void;
}

export interface ExecuteOptions {
  dryRun: boolean;
  /** Judges whether the state read is still non-compliant (a key another person set may be approved too). */
  policy: Policy;
}

export interface RemediationAction {
  /** Stable, kebab-case: the name in modes, outcomes and alerts. */
  id: string;
  title: string;
  /** The findings it answers. */
  ruleIds: readonly string[];
  /** The IAM actions it calls, reads included: the remediator's role grants exactly the union. */
  permissions: readonly string[];
  plan(finding: Finding, policy: Policy): PlanResult;
  /**
   * Reads the current state, acts only if it is still non-compliant (unless dry-run), then verifies. Never throws for
   * an AWS error: it becomes a `failed` result.
   */
  execute(plan: RemediationPlan, clients: RemediationClients, options: ExecuteOptions): Promise<ExecutionResult>;
}
