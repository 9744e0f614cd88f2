import type { PublishCommandInput } from '@aws-sdk/client-sns';
import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Agent as HttpAgent } from 'node:http';
import { parseArn } from '../correlate/arn.js';
import type { SnsPublish } from './sns.js';

/**
 * SNS Publish as a signed Query API call, without the SNS client: on a cold start the client's modules cost ~40 ms
 * before the first alert, this path ~10 ms. It signs with the SDK's own SigV4 signer and writes the form exactly as
 * the client does (a test compares both on the wire). Used where credentials are in the environment, as in Lambda.
 */
export interface QueryPublishOptions {
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Overrides https://sns.<region>.<domain> (AWS_ENDPOINT_URL_SNS / AWS_ENDPOINT_URL). */
  endpoint?: string;
  maxAttempts?: number;
  requestTimeoutMs?: number;
  /** Waits between attempts (tests pass a clock that does not sleep). */
  sleep?: (ms: number) => Promise<void>;
}

export class SnsQueryError extends Error {
  constructor(readonly code: string, message: string, readonly statusCode: number | undefined, readonly retryable: boolean) {
    super(message);
    this.name = code;
  }
}

/** Names this path in CloudTrail data events and SNS logs. */
export const USER_AGENT = 'sse-sentinel sns-query';
const DOMAINS: Record<string, string> = { aws: 'amazonaws.com', 'aws-cn': 'amazonaws.com.cn', 'aws-us-gov': 'amazonaws.com' };
const THROTTLING = new Set(['Throttling', 'ThrottlingException', 'ThrottledException', 'RequestThrottledException', 'TooManyRequestsException', 'RequestLimitExceeded', 'KMSThrottling']);

/** The SNS endpoint for a topic, when this path knows it; undefined sends the caller to the SDK client. */
export function snsEndpoint(topicArn: string, env: NodeJS.ProcessEnv): string | undefined {
  const explicit = env['AWS_ENDPOINT_URL_SNS'] ?? env['AWS_ENDPOINT_URL'];
  if (explicit) return explicit;
  if (env['AWS_USE_FIPS_ENDPOINT'] === 'true' || env['AWS_USE_DUALSTACK_ENDPOINT'] === 'true') return undefined;
  const arn = parseArn(topicArn);
  const domain = arn ? DOMAINS[arn.partition] : undefined;
  return arn?.region && domain ? `https://sns.${arn.region}.${domain}` : undefined;
}

/** The form the SDK writes: the same members in the same order, encoded like its extendedEncodeURIComponent. */
export function publishForm(input: PublishCommandInput): string {
  const fields: [string, string][] = [['Action', 'Publish'], ['Version', '2010-03-31']];
  const add = (name: string, value: string | undefined): void => void (value !== undefined && fields.push([name, value]));
  add('Message', input.Message);
  add('TopicArn', input.TopicArn);
  add('TargetArn', input.TargetArn);
  add('PhoneNumber', input.PhoneNumber);
  add('Subject', input.Subject);
  add('MessageStructure', input.MessageStructure);
  Object.entries(input.MessageAttributes ?? {}).forEach(([name, value], i) => {
    const prefix = `MessageAttributes.entry.${i + 1}`;
    add(`${prefix}.Name`, name);
    add(`${prefix}.Value.DataType`, value.DataType);
    add(`${prefix}.Value.StringValue`, value.StringValue);
  });
  add('MessageDeduplicationId', input.MessageDeduplicationId);
  add('MessageGroupId', input.MessageGroupId);
  return fields.map(([name, value]) => `${encode(name)}=${encode(value)}`).join('&');
}

function encode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function xmlText(xml: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml);
  return match?.[1]?.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

let agents: { http?: HttpAgent; https?: HttpAgent } = {};

/** One Publish call per attempt; throttling, 5xx and network errors are retried with full-jitter backoff. */
export function queryPublish(topicRegion: string, options: QueryPublishOptions & { endpoint: string }): SnsPublish {
  const url = new URL(options.endpoint);
  const secure = url.protocol === 'https:';
  const signer = new SignatureV4({ service: 'sns', region: topicRegion, credentials: options.credentials, sha256: Hash.bind(null, 'sha256') });
  const maxAttempts = options.maxAttempts ?? 4;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  return async (input) => {
    const body = publishForm(input);
    for (let attempt = 1; ; attempt++) {
      try {
        const signed = await signer.sign({
          method: 'POST', protocol: url.protocol, hostname: url.hostname, ...(url.port ? { port: Number(url.port) } : {}), path: url.pathname || '/', query: {},
          headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)), 'user-agent': USER_AGENT },
          body,
        });
        await post(url, secure, signed.headers, body, options.requestTimeoutMs ?? 5000);
        return;
      } catch (error) {
        const retryable = error instanceof SnsQueryError ? error.retryable : true;
        if (!retryable || attempt >= maxAttempts) throw error;
        await sleep(Math.random() * Math.min(20_000, 100 * 2 ** attempt));
      }
    }
  };
}

function post(url: URL, secure: boolean, headers: Record<string, string>, body: string, timeoutMs: number): Promise<void> {
  const http = secure ? process.getBuiltinModule('node:https') : process.getBuiltinModule('node:http');
  const agent = secure ? (agents.https ??= new http.Agent({ keepAlive: true })) : (agents.http ??= new http.Agent({ keepAlive: true }));
  return new Promise((resolve, reject) => {
    const request = http.request({ method: 'POST', hostname: url.hostname, port: url.port || undefined, path: url.pathname || '/', headers, agent, signal: AbortSignal.timeout(timeoutMs) }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('error', reject);
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) return resolve();
        const code = xmlText(text, 'Code') ?? `HTTP${status}`;
        const retryable = status >= 500 || status === 429 || THROTTLING.has(code);
        reject(new SnsQueryError(code, xmlText(text, 'Message') ?? `SNS answered ${status}`, status, retryable));
      });
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** For tests: forget the keep-alive agents (their sockets keep a test's server open). */
export function closeQueryAgents(): void {
  agents.http?.destroy();
  agents.https?.destroy();
  agents = {};
}
