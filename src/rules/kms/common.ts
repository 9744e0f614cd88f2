import { keyOf, KMS_SOURCE } from '../../correlate/kms.js';
import type { CloudTrailEvent } from '../../events/types.js';
import type { Severity } from '../../policy/schema.js';
import type { RuleContext } from '../rule.js';

export { KMS_SOURCE, keyOf };

export const MITRE_DATA_DESTRUCTION = 'MITRE ATT&CK T1485 Data Destruction';
export const MITRE_IMPACT_ENCRYPTED = 'MITRE ATT&CK T1486 Data Encrypted for Impact';
export const KMS_DELETING_KEYS = 'https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html';
export const KMS_IMPORTED = 'https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys.html';

/** "2 table buckets, 5 tables, 3 buckets" from the ledger, or undefined when it knows of none. */
export function describeProtected(keyArn: string, context: RuleContext): string | undefined {
  const { tableBuckets, tables, buckets } = context.ledger.protectedBy(keyArn);
  const parts = [
    [tableBuckets.length, 'table bucket'],
    [tables.length, 'table'],
    [buckets.length, 'bucket'],
  ]
    .filter(([count]) => (count as number) > 0)
    .map(([count, noun]) => `${count} ${noun}${count === 1 ? '' : 's'}`);
  return parts.length ? parts.join(', ') : undefined;
}

/** A key event is CRITICAL when the ledger knows resources the key protects, else the rule's base severity. */
export function keySeverity(keyArn: string, context: RuleContext, base: Severity): Severity {
  return describeProtected(keyArn, context) ? 'CRITICAL' : base;
}

export function keyFindingBase(event: CloudTrailEvent): { keyArn: string; resources: string[] } | undefined {
  const keyArn = keyOf(event);
  return keyArn ? { keyArn, resources: [keyArn] } : undefined;
}
