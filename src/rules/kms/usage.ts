import { DATA_KEY_OPERATIONS, servedResource, usagePrincipal } from '../../correlate/apply-kms.js';
import { USAGE_WINDOW_MS } from '../../correlate/ledger.js';
import type { CloudTrailEvent } from '../../events/types.js';

export { DATA_KEY_OPERATIONS, servedResource, usagePrincipal };

export function windowOf(event: CloudTrailEvent): number {
  return Math.floor(event.eventTimeMs / USAGE_WINDOW_MS) * USAGE_WINDOW_MS;
}

/** Successful data-key calls only: failures are the access-denied rules' business. */
export const SUCCESSFUL = { errorCode: [{ exists: false }] } as const;
