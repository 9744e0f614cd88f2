/** EventBridge rules the deployment creates with the `sse-sentinel-<stage>-` prefix (the package test keeps this true). */
export const EXPECTED_RULE_COUNT = 16;
/** The trailBucket parameter's default, which names no bucket: the deployment has no log-file path. */
const UNCONFIGURED_TRAIL_BUCKET = /-trail-bucket-not-configured$/;

/** The trail bucket the deployment reads log files from (TRAIL_BUCKET), or undefined when none was configured. */
export function configuredTrailBucket(env: NodeJS.ProcessEnv): string | undefined {
  const bucket = env['TRAIL_BUCKET'];
  return bucket && !UNCONFIGURED_TRAIL_BUCKET.test(bucket) ? bucket : undefined;
}

/** The doctor runs every 15 minutes; a heartbeat older than this means events are not getting through. */
export const HEARTBEAT_MAX_AGE_MS = 45 * 60_000;

/**
 * The deployment's functions (named `sse-sentinel-<stage>-<name>`) and how they are invoked: asynchronously
 * (EventBridge, schedules: an on-failure destination catches what fails) or by a queue's event source mapping. The
 * package test keeps this true.
 */
export const DEPLOYED_FUNCTIONS: Readonly<Record<string, 'async' | 'queue'>> = {
  processor: 'async',
  usage: 'queue',
  logfile: 'async',
  remediator: 'queue',
  doctor: 'async',
  inventory: 'async',
};
