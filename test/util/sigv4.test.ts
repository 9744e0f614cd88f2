import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signRequest, type SigV4Credentials } from '../../src/util/sigv4.js';

/** The SDK's signer, as the SDK clients configure it: the reference this signer must match header for header. */
async function sdkSigned(request: { method: string; path: string; headers: Record<string, string>; body: string }, service: string, region: string, credentials: SigV4Credentials, now: Date) {
  const signer = new SignatureV4({ service, region, credentials, sha256: Hash.bind(null, 'sha256') });
  const host = request.headers['host'] ?? 'example.amazonaws.com';
  const signed = await signer.sign({ method: request.method, protocol: 'https:', hostname: host, path: request.path, query: {}, headers: { ...request.headers }, body: request.body }, { signingDate: now });
  return signed.headers;
}

const headerName = fc.oneof(
  fc.constantFrom('Content-Type', 'content-type', 'X-Amz-Target', 'x-amz-target', 'Content-Length', 'User-Agent', 'Date', 'Authorization', 'X-Amz-Date',
    'X-Amzn-Trace-Id', 'Proxy-Authorization', 'Sec-Fetch-Mode', 'Connection', 'Expect', 'X-Amz-Content-Sha256', 'x-amz-meta-Owner'),
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/),
);
const headerValue = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('  padded  value ', 'tab\there', 'line\r\nbreak', 'many    spaces', ''));
const path = fc.oneof(
  fc.constantFrom('/', '', '/a/b', '/a/./b/../c/', '//double//slash', '/with space/ü/🔑', "/it's(*)!~", '/%2F/encoded%20'),
  fc.array(fc.string({ maxLength: 6 }), { maxLength: 4 }).map((segments) => `/${segments.join('/')}`),
);
const credentials = fc.record(
  { accessKeyId: fc.stringMatching(/^[A-Z0-9]{4,20}$/), secretAccessKey: fc.string({ minLength: 1, maxLength: 40 }), sessionToken: fc.string({ minLength: 1, maxLength: 60 }) },
  { requiredKeys: ['accessKeyId', 'secretAccessKey'] },
);

describe('SigV4 signer', () => {
  it('adds exactly the headers the SDK signer adds, for any headers, path, body, time and credentials', async () => {
    await fc.assert(fc.asyncProperty(
      fc.dictionary(headerName, headerValue, { maxKeys: 8 }),
      path,
      fc.string({ maxLength: 200, unit: 'binary' }),
      fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }),
      credentials,
      fc.constantFrom('sns', 'dynamodb', 'kms'),
      fc.constantFrom('us-east-1', 'eu-west-3', 'cn-north-1'),
      async (extra, requestPath, body, now, creds, service, region) => {
        const request = { method: 'POST', path: requestPath, headers: { host: `${service}.${region}.amazonaws.com`, ...extra }, body };
        expect(signRequest(request, { service, region, credentials: creds }, now)).toEqual(await sdkSigned(request, service, region, creds, now));
      },
    ));
  });

  it('signs with the current secret after a key is rotated under the same access key id (the signing key cache)', async () => {
    const now = new Date('2025-01-10T10:00:00Z');
    const request = { method: 'POST', path: '/', headers: { host: 'sns.us-east-1.amazonaws.com', 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=Publish' };
    for (const secretAccessKey of ['first-secret', 'second-secret', 'first-secret']) {
      const creds = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey };
      expect(signRequest(request, { service: 'sns', region: 'us-east-1', credentials: creds }, now)['authorization'])
        .toBe((await sdkSigned(request, 'sns', 'us-east-1', creds, now))['authorization']);
    }
  });
});
