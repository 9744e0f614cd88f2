import { cancelKeyDeletion } from './cancel-key-deletion.js';
import { enableKey } from './enable-key.js';
import { restoreBucketEncryption } from './restore-bucket-encryption.js';
import { restoreBucketSsePolicy } from './restore-bucket-sse-policy.js';
import { restoreTableBucketEncryption } from './restore-table-bucket-encryption.js';
import { restoreTableBucketSsePolicy } from './restore-table-bucket-sse-policy.js';
import type { RemediationAction } from './types.js';

/** Every remediation action. Table keys cannot change after creation: for table findings the alert and runbook are the remedy. */
export const ACTIONS: readonly RemediationAction[] = [
  restoreTableBucketEncryption,
  restoreBucketEncryption,
  restoreBucketSsePolicy,
  restoreTableBucketSsePolicy,
  cancelKeyDeletion,
  enableKey,
];

const BY_ID = new Map(ACTIONS.map((action) => [action.id, action]));

export function actionById(id: string): RemediationAction | undefined {
  return BY_ID.get(id);
}

export { REMEDIABLE_RULE_IDS, REMEDIATION_PERMISSIONS } from './catalog.js';
