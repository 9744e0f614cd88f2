import type { ProtectedResources } from '../correlate/ledger.js';
import type { Finding } from './finding.js';

const COLOURS: Record<string, string> = {
  CRITICAL: '\x1b[1;37;41m', HIGH: '\x1b[1;31m', MEDIUM: '\x1b[33m', LOW: '\x1b[36m', INFO: '\x1b[2m',
};
const RESET = '\x1b[0m';

/** Control characters from event fields would let an attacker rewrite a terminal line. */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '�');
}

/** arn:aws:s3tables:us-east-1:111122223333:bucket/analytics/table/… → bucket/analytics/table/… (account shown elsewhere). */
function shortResource(arn: string | undefined): string {
  if (!arn) return '-';
  const parts = arn.split(':');
  return parts.length >= 6 ? `${parts[2]}:${parts.slice(5).join(':')}` : arn;
}

/** Two lines a person reads at a glance: severity, rule and resource; then why, who and where. */
export function renderFindingText(finding: Finding, colour = false): string {
  const severity = finding.severity.padEnd(8);
  const head = `${colour ? COLOURS[finding.severity] ?? '' : ''}${severity}${colour ? RESET : ''} ${finding.ruleId}  ${printable(shortResource(finding.resources[0]))}`;
  const where = [`by ${printable(finding.principal)}`, `${finding.account}/${finding.region}`, finding.eventTime];
  if (finding.source) where.push(printable(finding.source));
  return `${head}\n         ${printable(finding.summary)}\n         ${where.join(' · ')}`;
}

export function renderPostureText(keys: readonly ProtectedResources[]): string {
  if (keys.length === 0) return '';
  const lines = ['Posture — KMS keys and what they protect:'];
  for (const key of keys) {
    lines.push(`  ${key.keyArn}`);
    for (const arn of key.tableBuckets) lines.push(`    table bucket  ${arn}`);
    for (const arn of key.tables) lines.push(`    table         ${arn}`);
    for (const arn of key.buckets) lines.push(`    bucket        ${arn}`);
  }
  return lines.join('\n');
}
