import type { StateStore } from '../state/store.js';

/** Heartbeats are counted in 5-minute windows of the state store; the doctor looks back for the latest. */
export const HEARTBEAT_WINDOW_MS = 5 * 60_000;
const KEEP_MS = 2 * 24 * 3600_000;

const windowOf = (ms: number): number => Math.floor(ms / HEARTBEAT_WINDOW_MS) * HEARTBEAT_WINDOW_MS;

/** Is this EventBridge event the CloudTrail record of the doctor's heartbeat (PutParameter on the heartbeat parameter)? */
export function isHeartbeat(envelope: unknown, parameterName: string | undefined): boolean {
  if (!parameterName || !envelope || typeof envelope !== 'object') return false;
  const detail = (envelope as { detail?: { eventSource?: unknown; eventName?: unknown; errorCode?: unknown; requestParameters?: { name?: unknown } } }).detail;
  return detail?.eventSource === 'ssm.amazonaws.com' && detail.eventName === 'PutParameter' && !detail.errorCode && detail.requestParameters?.name === parameterName;
}

export async function recordHeartbeat(store: StateStore, nowMs: number): Promise<void> {
  await store.incrementCounter(`heartbeat|${windowOf(nowMs)}`, nowMs, KEEP_MS);
}

/** When a heartbeat was last processed (the end of its window), looking back at most `lookBackMs`. */
export async function lastHeartbeat(store: StateStore, nowMs: number, lookBackMs: number): Promise<number | undefined> {
  for (let window = windowOf(nowMs); window >= nowMs - lookBackMs - HEARTBEAT_WINDOW_MS; window -= HEARTBEAT_WINDOW_MS) {
    if ((await store.readCounter(`heartbeat|${window}`, nowMs)) > 0) return Math.min(nowMs, window + HEARTBEAT_WINDOW_MS);
  }
  return undefined;
}
