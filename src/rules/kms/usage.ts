import { DATA_KEY_OPERATIONS, servedResource, usagePrincipal } from '../../correlate/apply-kms.js';
import { usageWindowStart } from '../../correlate/ledger.js';
import type { CloudTrailEvent } from '../../events/types.js';

export { DATA_KEY_OPERATIONS, servedResource, usagePrincipal };

export function windowOf(event: CloudTrailEvent): number {
  return usageWindowStart(event.eventTimeMs);
}

/** Successful data-key calls only: failures are the access-denied rules' business. */
export const SUCCESSFUL = { errorCode: [{ exists: false }] } as const;
