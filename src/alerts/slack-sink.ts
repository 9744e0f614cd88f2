import type { Alert } from './alert.js';
import { renderSlack } from './render-slack.js';

export class SlackDeliveryError extends Error {
  constructor(message: string, readonly retryable: boolean) {
    super(message);
    this.name = 'SlackDeliveryError';
  }
}

export interface SlackSinkOptions {
  /** The incoming-webhook URL: a secret. It is never logged or put in an error message. */
  webhookUrl: string;
  timeoutMs?: number;
  attempts?: number;
  baseDelayMs?: number;
  /** Cap on how long a Retry-After is honoured. */
  maxRetryAfterMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/**
 * Posts alerts to a Slack incoming webhook. Every call has a timeout; 429 honours Retry-After, 5xx, timeouts and
 * network errors back off exponentially with jitter; other 4xx (a revoked or mistyped webhook) fail at once with an
 * error that names the sink but not the URL.
 */
export class SlackSink {
  readonly name = 'slack';
  private readonly options: Required<Omit<SlackSinkOptions, 'webhookUrl'>>;

  constructor(private readonly webhookUrl: string, options: Omit<SlackSinkOptions, 'webhookUrl'> = {}) {
    this.options = {
      timeoutMs: options.timeoutMs ?? 5000,
      attempts: options.attempts ?? 4,
      baseDelayMs: options.baseDelayMs ?? 500,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 30_000,
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      random: options.random ?? Math.random,
    };
  }

  async send(alert: Alert): Promise<void> {
    const body = JSON.stringify(renderSlack(alert));
    for (let attempt = 1; ; attempt++) {
      let wait: number;
      try {
        const response = await fetch(this.webhookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
        const text = (await response.text()).slice(0, 200);
        if (response.ok) return;
        if (response.status === 429) {
          const retryAfter = Number(response.headers.get('retry-after'));
          wait = Math.min(this.options.maxRetryAfterMs, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : this.backoff(attempt));
          if (attempt >= this.options.attempts) throw new SlackDeliveryError(`slack: still rate limited after ${attempt} attempts`, true);
        } else if (response.status >= 500) {
          if (attempt >= this.options.attempts) throw new SlackDeliveryError(`slack: webhook answered ${response.status} after ${attempt} attempts`, true);
          wait = this.backoff(attempt);
        } else {
          throw new SlackDeliveryError(`slack: webhook rejected the message (${response.status} ${text}): the webhook URL is revoked or wrong; not retried`, false);
        }
      } catch (error) {
        if (error instanceof SlackDeliveryError) throw error;
        const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${this.options.timeoutMs} ms` : `request failed (${(error as Error).name})`;
        if (attempt >= this.options.attempts) throw new SlackDeliveryError(`slack: ${reason} after ${attempt} attempts`, true);
        wait = this.backoff(attempt);
      }
      await this.options.sleep(wait);
    }
  }

  private backoff(attempt: number): number {
    return Math.floor(this.options.random() * this.options.baseDelayMs * 2 ** (attempt - 1));
  }
}
