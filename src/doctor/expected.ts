/** EventBridge rules the deployment creates with the `sse-sentinel-<stage>-` prefix (the package test keeps this true). */
export const EXPECTED_RULE_COUNT = 14;
/** The doctor runs every 15 minutes; a heartbeat older than this means events are not getting through. */
export const HEARTBEAT_MAX_AGE_MS = 45 * 60_000;
