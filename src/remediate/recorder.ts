import type { ApiCall, ExecutionResult } from './types.js';

interface Sender<C> {
  send(command: C): Promise<unknown>;
}

/** Sends commands and keeps the record of every call made, for the outcome and its alert. */
export class CallRecorder {
  readonly calls: ApiCall[] = [];

  async send<O>(service: ApiCall['service'], operation: string, client: Sender<never>, command: { input: object }): Promise<O> {
    this.calls.push({ service, operation, input: { ...command.input } as Record<string, unknown> });
    return (await (client as Sender<unknown>).send(command)) as O;
  }
}

const RETRYABLE_NAMES = new Set([
  'ThrottlingException', 'Throttling', 'TooManyRequestsException', 'SlowDown', 'RequestTimeout', 'RequestTimeoutException',
  'TimeoutError', 'KMSInternalException', 'DependencyTimeoutException', 'InternalError', 'InternalServerError',
  'ServiceUnavailable', 'ServiceUnavailableException', 'ECONNRESET', 'ETIMEDOUT',
]);

/** The AWS error name (AccessDenied, KMSInvalidStateException, …), which is what people search for. */
export function errorName(error: unknown): string {
  const e = error as { name?: string; Code?: string; code?: string };
  return e?.name && e.name !== 'Error' ? e.name : e?.Code ?? e?.code ?? 'Error';
}

export function isRetryable(error: unknown): boolean {
  const e = error as { $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  const status = e?.$metadata?.httpStatusCode;
  return Boolean(e?.$retryable) || RETRYABLE_NAMES.has(errorName(error)) || (status !== undefined && status >= 500);
}

/** An AWS error as a `failed` outcome; the message is AWS's own and never carries credentials. */
export function failed(error: unknown, recorder: CallRecorder, prior?: unknown): ExecutionResult {
  const message = (error as Error)?.message;
  return {
    kind: 'failed',
    reason: `${errorName(error)}${message && message !== errorName(error) ? `: ${message}` : ''}`,
    calls: recorder.calls,
    retryable: isRetryable(error),
    ...(prior !== undefined ? { prior } : {}),
  };
}
