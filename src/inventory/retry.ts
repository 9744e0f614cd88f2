const THROTTLING = new Set([
  'ThrottlingException', 'Throttling', 'TooManyRequestsException', 'SlowDown', 'RequestLimitExceeded',
  'ProvisionedThroughputExceededException', 'RequestThrottled', 'LimitExceededException',
]);

export function isThrottling(error: unknown): boolean {
  const name = (error as { name?: string } | undefined)?.name;
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  return (name !== undefined && THROTTLING.has(name)) || status === 429;
}

export interface RetryOptions {
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/**
 * Retries a call that AWS throttled, with exponential back-off and full jitter. A sweep makes thousands of calls
 * (one per bucket, table and key), so throttling is expected; every other error is the caller's to report.
 */
export async function withThrottlingRetry<T>(call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { attempts = 6, baseDelayMs = 200, maxDelayMs = 10_000, sleep = (ms) => new Promise((r) => setTimeout(r, ms)), random = Math.random } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isThrottling(error) || attempt >= attempts) throw error;
      await sleep(Math.floor(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1))));
    }
  }
}
