import { SNSClient } from '@aws-sdk/client-sns';
import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildAlert } from '../../src/alerts/alert.js';
import { snsPublishInput } from '../../src/alerts/sns.js';
import { sdkPublish } from '../../src/alerts/sns-sdk.js';
import { closeQueryAgents, publishForm, queryPublish, snsEndpoint, SnsQueryError, USER_AGENT } from '../../src/alerts/sns-query.js';
import { snsPublisher } from '../../src/lambda/publish.js';
import { RULES } from '../../src/rules/index.js';
import { EVENTS, examplePolicy, replayFiles } from '../helpers.js';

const TOPIC = 'arn:aws:sns:us-east-1:111122223333:sse-sentinel-test-alerts';
const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session/token+=' };
const OK = '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>';
const error = (code: string, message: string) => `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r</RequestId></ErrorResponse>`;

interface Received { method: string; path: string; headers: IncomingHttpHeaders; body: string }

/** A loopback SNS endpoint: records each request and answers from the script, then 200 OK. */
async function snsEndpointOnLoopback(script: { status: number; body: string }[] = []) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ method: req.method!, path: req.url!, headers: req.headers, body });
      const answer = script.shift() ?? { status: 200, body: OK };
      res.writeHead(answer.status, { 'content-type': 'text/xml' });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Recomputes the SigV4 signature of a received request with the SDK's signer: what SNS itself checks. */
async function signatureHolds(request: Received, url: string, credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = CREDENTIALS): Promise<boolean> {
  // the signed payload hash must be the body's, then the signature must be the one the secret gives
  if (request.headers['x-amz-content-sha256'] !== createHash('sha256').update(request.body).digest('hex')) return false;
  const authorization = String(request.headers['authorization']);
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)![1]!.split(';');
  const headers = Object.fromEntries(signedHeaders.map((name) => [name, String(request.headers[name])]));
  const date = String(request.headers['x-amz-date']);
  const signingDate = new Date(Date.UTC(+date.slice(0, 4), +date.slice(4, 6) - 1, +date.slice(6, 8), +date.slice(9, 11), +date.slice(11, 13), +date.slice(13, 15)));
  const { hostname, port } = new URL(url);
  const signer = new SignatureV4({ service: 'sns', region: 'us-east-1', credentials, sha256: Hash.bind(null, 'sha256') });
  const expected = await signer.sign({ method: request.method, protocol: 'http:', hostname, port: Number(port), path: request.path, query: {}, headers, body: request.body }, { signingDate });
  return expected.headers['authorization'] === authorization;
}

async function alerts() {
  const policy = await examplePolicy();
  const out = [];
  for (const fixture of ['kms/PutKeyPolicy.public.json', 's3/DeleteBucketEncryption.after-kms.json', 's3tables/DeleteTableBucketEncryption.json']) {
    const { findings } = await replayFiles([join(EVENTS, fixture)], policy);
    const finding = findings.at(-1)!;
    out.push(buildAlert(finding, RULES.find((r) => r.id === finding.ruleId)));
  }
  return out;
}

const noSleep = async () => undefined;

afterEach(() => closeQueryAgents());

describe('SNS Publish as a signed Query call', () => {
  it('writes byte for byte the form the SDK client writes, FIFO fields, odd characters and all', async () => {
    const endpoint = await snsEndpointOnLoopback();
    const client = new SNSClient({ region: 'us-east-1', endpoint: endpoint.url, credentials: CREDENTIALS, maxAttempts: 1 });
    try {
      const inputs = (await alerts()).flatMap((alert) => [
        snsPublishInput(TOPIC, { ...alert, title: `${alert.title} — it's (really) *odd* ~ ü 🔑 & <b>` }),
        snsPublishInput(`${TOPIC}.fifo`, alert),
      ]);
      for (const input of inputs) {
        await sdkPublish(client)(input);
        await queryPublish('us-east-1', { endpoint: endpoint.url, credentials: CREDENTIALS })(input);
      }
      expect(endpoint.received).toHaveLength(inputs.length * 2);
      for (let i = 0; i < inputs.length; i++) {
        const [sdk, query] = [endpoint.received[2 * i]!, endpoint.received[2 * i + 1]!];
        expect(query.body).toBe(sdk.body);
        expect(query.body).toBe(publishForm(inputs[i]!));
        expect([query.method, query.path, query.headers['content-type']]).toEqual([sdk.method, sdk.path, sdk.headers['content-type']]);
      }
    } finally {
      client.destroy();
      await endpoint.close();
    }
  });

  it('signs every request so that SigV4 verification with the secret passes, session token included', async () => {
    const endpoint = await snsEndpointOnLoopback();
    try {
      const [alert] = await alerts();
      await queryPublish('us-east-1', { endpoint: endpoint.url, credentials: CREDENTIALS })(snsPublishInput(TOPIC, alert!));
      const request = endpoint.received[0]!;
      expect(request.headers['x-amz-security-token']).toBe(CREDENTIALS.sessionToken);
      expect(String(request.headers['authorization'])).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/sns\/aws4_request, SignedHeaders=[^,]*x-amz-security-token/);
      expect(await signatureHolds(request, endpoint.url)).toBe(true);
      // the check can fail: a body changed in transit no longer verifies
      expect(await signatureHolds({ ...request, body: request.body.replace('Publish', 'Publisx') }, endpoint.url)).toBe(false);
    } finally {
      await endpoint.close();
    }
  });

  it('retries throttling and server errors, then succeeds', async () => {
    const endpoint = await snsEndpointOnLoopback([{ status: 400, body: error('Throttling', 'Rate exceeded') }, { status: 500, body: error('InternalError', 'oops') }]);
    const waits: number[] = [];
    try {
      await queryPublish('us-east-1', { endpoint: endpoint.url, credentials: CREDENTIALS, sleep: async (ms) => void waits.push(ms) })(snsPublishInput(TOPIC, (await alerts())[0]!));
      expect(endpoint.received).toHaveLength(3);
      expect(waits).toHaveLength(2);
      expect(endpoint.received[2]!.body).toBe(endpoint.received[0]!.body);
    } finally {
      await endpoint.close();
    }
  });

  it('fails at once on a client error, with the code and message SNS gave', async () => {
    const endpoint = await snsEndpointOnLoopback([{ status: 403, body: error('AuthorizationError', 'User: arn:aws:sts::1:assumed-role/x is not authorized to perform: SNS:Publish &amp; more') }]);
    try {
      const failure = await queryPublish('us-east-1', { endpoint: endpoint.url, credentials: CREDENTIALS, sleep: noSleep })(snsPublishInput(TOPIC, (await alerts())[0]!)).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(SnsQueryError);
      expect(failure).toMatchObject({ name: 'AuthorizationError', statusCode: 403, retryable: false, message: expect.stringContaining('SNS:Publish & more') });
      expect(endpoint.received).toHaveLength(1);
    } finally {
      await endpoint.close();
    }
  });

  it('gives up after the last attempt, and retries an endpoint that does not answer', async () => {
    const endpoint = await snsEndpointOnLoopback(Array.from({ length: 5 }, () => ({ status: 503, body: error('ServiceUnavailable', 'try later') })));
    const input = snsPublishInput(TOPIC, (await alerts())[0]!);
    try {
      await expect(queryPublish('us-east-1', { endpoint: endpoint.url, credentials: CREDENTIALS, sleep: noSleep, maxAttempts: 3 })(input)).rejects.toMatchObject({ name: 'ServiceUnavailable' });
      expect(endpoint.received).toHaveLength(3);
    } finally {
      await endpoint.close();
    }
    let attempts = 0;
    await expect(queryPublish('us-east-1', { endpoint: endpoint.url, credentials: CREDENTIALS, sleep: async () => void attempts++, maxAttempts: 2 })(input)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(attempts).toBe(1);
  });

  it('knows the endpoint of the partitions it serves, and leaves FIPS, dual-stack and unknown partitions to the SDK', () => {
    expect(snsEndpoint('us-east-1', {})).toBe('https://sns.us-east-1.amazonaws.com');
    expect(snsEndpoint('cn-north-1', {})).toBe('https://sns.cn-north-1.amazonaws.com.cn');
    expect(snsEndpoint('us-gov-west-1', {})).toBe('https://sns.us-gov-west-1.amazonaws.com');
    expect(snsEndpoint('us-east-1', { AWS_ENDPOINT_URL_SNS: 'http://127.0.0.1:1' })).toBe('http://127.0.0.1:1');
    expect(snsEndpoint('us-east-1', { AWS_ENDPOINT_URL: 'http://127.0.0.1:2' })).toBe('http://127.0.0.1:2');
    expect(snsEndpoint('us-east-1', { AWS_USE_FIPS_ENDPOINT: 'true' })).toBeUndefined();
    expect(snsEndpoint('us-east-1', { AWS_USE_DUALSTACK_ENDPOINT: 'true' })).toBeUndefined();
    expect(snsEndpoint('us-iso-east-1', {})).toBeUndefined();
    expect(snsEndpoint(undefined, {})).toBeUndefined();
  });

  it('is what Lambda uses (credentials in the environment); any other credential source gets the SDK client', async () => {
    const endpoint = await snsEndpointOnLoopback();
    const dir = await mkdtemp(join(tmpdir(), 'sse-sentinel-sns-'));
    const saved = { ...process.env };
    try {
      const input = snsPublishInput(TOPIC, (await alerts())[0]!);
      const env = { AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey, AWS_SESSION_TOKEN: CREDENTIALS.sessionToken, AWS_ENDPOINT_URL_SNS: endpoint.url };
      await (await snsPublisher(TOPIC, env))(input);
      expect(endpoint.received[0]!.headers['user-agent']).toBe(USER_AGENT);
      expect(await signatureHolds(endpoint.received[0]!, endpoint.url)).toBe(true);
      // a profile in a shared credentials file: the SDK client's provider chain
      const profile = { accessKeyId: 'AKIDPROFILE', secretAccessKey: 'profile-secret' };
      await writeFile(join(dir, 'credentials'), `[default]\naws_access_key_id = ${profile.accessKeyId}\naws_secret_access_key = ${profile.secretAccessKey}\n`);
      await writeFile(join(dir, 'config'), '');
      for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) delete process.env[name];
      Object.assign(process.env, { AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), AWS_CONFIG_FILE: join(dir, 'config'), AWS_ENDPOINT_URL_SNS: endpoint.url, AWS_EC2_METADATA_DISABLED: 'true' });
      await (await snsPublisher(TOPIC, process.env))(input);
      expect(endpoint.received[1]!.headers['user-agent']).toMatch(/^aws-sdk-js\//);
      expect(endpoint.received[1]!.body).toBe(endpoint.received[0]!.body);
      expect(await signatureHolds(endpoint.received[1]!, endpoint.url, profile)).toBe(true);
    } finally {
      process.env = saved;
      await rm(dir, { recursive: true, force: true });
      await endpoint.close();
    }
  });
});
