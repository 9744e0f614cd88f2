import { toIsoSeconds } from '../events/dates.js';
import { parseArn } from './arn.js';
import type { Ledger } from './ledger.js';

export interface KeyReport {
  keyArn: string;
  state?: string;
  deletionDate?: string;
  origin?: string;
  rotationEnabled?: boolean;
  materialExpiresAt?: string;
  aliases: string[];
  protects: { tableBuckets: readonly string[]; tables: readonly string[]; buckets: readonly string[] };
  lastUsed: Record<string, string>;
}

export interface ResourceReport {
  arn: string;
  kind: 'table-bucket' | 'table' | 'bucket';
  encryption?: unknown;
  inherited?: boolean;
  deleted?: boolean;
  policyEnforcement?: { enforced: boolean; requiredKeys: string[]; statements: string[] };
  key?: KeyReport;
}

/** Key ARNs the ledger knows a reference to: a key ARN, an alias (name or ARN, through the ledger), or a bare key id. */
export function findKeys(ledger: Ledger, reference: string): string[] {
  const keys = new Set<string>();
  for (const entry of ledger.all()) {
    if (entry.kind === 'key') keys.add(entry.arn);
    if ((entry.kind === 'table-bucket' || entry.kind === 'bucket' || entry.kind === 'table') && entry.encryption?.kmsKeyArn) keys.add(entry.encryption.kmsKeyArn);
  }
  for (const keyArn of ledger.usedKeys()) keys.add(keyArn);
  if (reference.startsWith('arn:') && reference.includes(':key/')) return keys.has(reference) ? [reference] : [];
  if (reference.includes('alias/')) {
    const aliases = ledger.all().flatMap((e) => (e.kind === 'alias' && (e.arn === reference || e.arn.endsWith(`:${reference}`)) ? [e.arn] : []));
    return [...new Set(aliases.map((arn) => ledger.resolveAlias(arn)).filter((k): k is string => k !== undefined))];
  }
  return [...keys].filter((arn) => arn.endsWith(`:key/${reference}`));
}

export function describeKey(ledger: Ledger, keyArn: string): KeyReport {
  const key = ledger.key(keyArn);
  const { tableBuckets, tables, buckets } = ledger.protectedBy(keyArn);
  const report: KeyReport = {
    keyArn,
    aliases: ledger.all().flatMap((e) => (e.kind === 'alias' && ledger.resolveAlias(e.arn) === keyArn ? [e.arn] : [])).sort(),
    protects: { tableBuckets, tables, buckets },
    lastUsed: Object.fromEntries([...ledger.lastUsed(keyArn)].map(([arn, time]) => [arn, toIsoSeconds(time)])),
  };
  if (key?.state) report.state = key.state;
  if (key?.deletionDate !== undefined) report.deletionDate = toIsoSeconds(key.deletionDate);
  if (key?.origin) report.origin = key.origin;
  if (key?.rotationEnabled !== undefined) report.rotationEnabled = key.rotationEnabled;
  if (key?.materialExpiresAt !== undefined) report.materialExpiresAt = toIsoSeconds(key.materialExpiresAt);
  return report;
}

/** What protects a resource: its encryption (inherited resolved), what its policy enforces, and its key's state. */
export function describeResource(ledger: Ledger, arn: string): ResourceReport | undefined {
  const service = parseArn(arn)?.service;
  const entry = service === 's3tables' ? (arn.includes('/table/') ? ledger.table(arn) : ledger.tableBucket(arn)) : ledger.bucket(arn);
  if (!entry) return undefined;
  const report: ResourceReport = { arn, kind: entry.kind };
  if (entry.encryption) report.encryption = entry.encryption;
  if (entry.kind === 'table' && entry.inherited !== undefined) report.inherited = entry.inherited;
  if ('deleted' in entry && entry.deleted) report.deleted = true;
  const policy = ledger.policyEnforcement(entry.kind === 'bucket' ? 'bucket-policy' : 'table-bucket-policy', entry.kind === 'table' ? entry.bucketArn : arn);
  if (policy) report.policyEnforcement = { enforced: policy.enforced, requiredKeys: policy.requiredKeys, statements: policy.statements };
  const keyRef = entry.encryption?.kmsKeyArn;
  const keyArn = keyRef?.includes(':alias/') ? ledger.resolveAlias(keyRef) ?? keyRef : keyRef;
  if (keyArn) report.key = describeKey(ledger, keyArn);
  return report;
}
