import type { PublishCommandInput } from '@aws-sdk/client-sns';
import { AwsServiceError, closeSignedPostAgents, regionalEndpoint, retryableAnswer, signedPoster } from '../util/signed-post.js';
import type { SnsPublish } from './sns.js';

/**
 * SNS Publish as a signed Query API call, without the SNS client: on a cold start the client's modules cost ~40 ms
 * before the first alert, this path ~10 ms. It signs as the SDK's SigV4 signer does (../util/sigv4.ts) and writes the
 * form exactly as the client does (a test compares both on the wire). Used where credentials are in the environment, as
 * in Lambda.
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

/** SNS's error answer (its `Code` and `Message`). */
export { AwsServiceError as SnsQueryError };

/** The sink, from this module too: a first alert then loads one file, not two. */
export { SnsSink } from './sns.js';

/** Names this path in CloudTrail data events and SNS logs. */
export const USER_AGENT = 'sse-sentinel sns-query';

/**
 * The SNS endpoint for a topic's Region, when this path knows it; undefined sends the caller to the SDK client. The
 * caller has the topic's ARN parsed already, and this module stays without the ARN parser (a first alert loads it).
 */
export function snsEndpoint(topicRegion: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  return regionalEndpoint('sns', topicRegion || undefined, env);
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

/** One Publish call per attempt; throttling, 5xx and network errors are retried with full-jitter backoff. */
export function queryPublish(topicRegion: string, options: QueryPublishOptions & { endpoint: string }): SnsPublish {
  const send = signedPoster({ ...options, service: 'sns', region: topicRegion }, USER_AGENT);
  return async (input) => {
    await send(publishForm(input), { 'content-type': 'application/x-www-form-urlencoded' }, ({ status, text }) => {
      if (status >= 200 && status < 300) return;
      const code = xmlText(text, 'Code') ?? `HTTP${status}`;
      throw new AwsServiceError(code, xmlText(text, 'Message') ?? `SNS answered ${status}`, status, retryableAnswer(status, code));
    });
  };
}

/** For tests: forget the keep-alive agents (their sockets keep a test's server open). */
export const closeQueryAgents = closeSignedPostAgents;
