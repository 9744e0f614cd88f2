import type { Agent as HttpAgent } from 'node:http';
import { partitionOf } from './partition.js';
import { signRequest } from './sigv4.js';

/**
 * A SigV4-signed POST to an AWS endpoint with Node's own HTTP client, retried with full-jitter backoff: what the
 * Lambda cold-start paths use instead of an SDK client (SNS Publish as a Query call, the DynamoDB state store as JSON
 * calls), signed by ./sigv4.ts (the SDK's signer's output, without its cost at cold start).
 */
export interface SignedPostOptions {
  service: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  endpoint: string;
  maxAttempts?: number;
  requestTimeoutMs?: number;
  /** Waits between attempts (tests pass a clock that does not sleep). */
  sleep?: (ms: number) => Promise<void>;
}

export interface PostResponse {
  status: number;
  text: string;
  /** `x-amzn-errortype`, where a JSON-protocol service names its error in a header too. */
  errorType?: string;
}

/** An error answer of the service: `retryable` for throttling and server errors. */
export class AwsServiceError extends Error {
  constructor(readonly code: string, message: string, readonly statusCode: number | undefined, readonly retryable: boolean) {
    super(message);
    this.name = code;
  }
}

/** Error codes AWS services answer when a caller goes too fast: retried like server errors. */
export const THROTTLING = new Set([
  'Throttling', 'ThrottlingException', 'ThrottledException', 'RequestThrottledException', 'TooManyRequestsException',
  'RequestLimitExceeded', 'ProvisionedThroughputExceededException', 'KMSThrottling',
]);

const DOMAINS: Record<string, string> = { aws: 'amazonaws.com', 'aws-cn': 'amazonaws.com.cn', 'aws-us-gov': 'amazonaws.com' };

/**
 * Where this path sends a service's calls: the endpoint override (`AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`),
 * else `https://<service>.<region>.<domain>`. Undefined (FIPS, dual-stack, partitions it does not know, no Region)
 * sends the caller to the SDK client.
 */
export function regionalEndpoint(service: string, region: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const explicit = env[`AWS_ENDPOINT_URL_${service.toUpperCase()}`] ?? env['AWS_ENDPOINT_URL'];
  if (explicit) return explicit;
  if (!region || env['AWS_USE_FIPS_ENDPOINT'] === 'true' || env['AWS_USE_DUALSTACK_ENDPOINT'] === 'true') return undefined;
  const domain = DOMAINS[partitionOf(region)];
  return domain ? `https://${service}.${region}.${domain}` : undefined;
}

let agents: { http?: HttpAgent; https?: HttpAgent } = {};

/**
 * Returns a function that signs and sends one body (with the given extra headers) and hands the answer to `read`,
 * which returns the result or throws an AwsServiceError. Network errors and retryable service errors are tried again.
 */
export function signedPoster(options: SignedPostOptions, userAgent: string): <T>(body: string, headers: Record<string, string>, read: (response: PostResponse) => T) => Promise<T> {
  const url = new URL(options.endpoint);
  const signer = { service: options.service, region: options.region, credentials: options.credentials };
  const path = url.pathname || '/';
  const maxAttempts = options.maxAttempts ?? 4;
  const timeoutMs = options.requestTimeoutMs ?? 5000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  return async (body, headers, read) => {
    for (let attempt = 1; ; attempt++) {
      try {
        const signed = signRequest({ method: 'POST', path, headers: { host: url.host, ...headers, 'content-length': String(Buffer.byteLength(body)), 'user-agent': userAgent }, body }, signer);
        return read(await post(url, signed, body, timeoutMs));
      } catch (error) {
        const retryable = error instanceof AwsServiceError ? error.retryable : true;
        if (!retryable || attempt >= maxAttempts) throw error;
        await sleep(Math.random() * Math.min(20_000, 100 * 2 ** attempt));
      }
    }
  };
}

function post(url: URL, headers: Record<string, string>, body: string, timeoutMs: number): Promise<PostResponse> {
  const secure = url.protocol === 'https:';
  const http = secure ? process.getBuiltinModule('node:https') : process.getBuiltinModule('node:http');
  const agent = secure ? (agents.https ??= new http.Agent({ keepAlive: true })) : (agents.http ??= new http.Agent({ keepAlive: true }));
  return new Promise((resolve, reject) => {
    const request = http.request({ method: 'POST', hostname: url.hostname, port: url.port || undefined, path: url.pathname || '/', headers, agent }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('error', reject);
      response.on('end', () => {
        const errorType = response.headers['x-amzn-errortype'];
        resolve({ status: response.statusCode ?? 0, text, ...(typeof errorType === 'string' ? { errorType } : {}) });
      });
    });
    request.on('error', reject);
    // a socket idle timeout, as the SDK's requestTimeout: an AbortSignal loaded Node's abort machinery on the alert path
    request.setTimeout(timeoutMs, () => request.destroy(Object.assign(new Error(`no answer from ${url.host} within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    request.end(body);
  });
}

/** True for an answer worth another attempt: a server error, HTTP 429 or a throttling code. */
export function retryableAnswer(status: number, code: string): boolean {
  return status >= 500 || status === 429 || THROTTLING.has(code);
}

/** For tests: forget the keep-alive agents (their sockets keep a test's server open). */
export function closeSignedPostAgents(): void {
  agents.http?.destroy();
  agents.https?.destroy();
  agents = {};
}
