import { createHash, createHmac } from 'node:crypto';

/**
 * AWS Signature Version 4 for one request with a string body, on Node's own HMAC: what the cold-start paths sign their
 * few POSTs with (SNS Publish, the state store's DynamoDB calls). It produces exactly the headers the SDK's signer
 * (@smithy/signature-v4, with its defaults) produces for the same request and time — test/util/sigv4.test.ts holds the
 * two side by side on generated requests. The SDK's signer costs ~3 ms of a cold start: 15 KB of modules to load and,
 * on first use, a chain of promises and byte conversions around each of its six hashes.
 */
export interface SigV4Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SigV4Signer {
  service: string;
  region: string;
  credentials: SigV4Credentials;
}

export interface SignableRequest {
  method: string;
  /** The request path, not yet escaped. */
  path: string;
  /** Must include `host`. */
  headers: Record<string, string>;
  body: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const PAYLOAD_HASH_HEADER = 'x-amz-content-sha256';
/** Headers the signer sets itself: a caller's are dropped. */
const GENERATED = new Set(['authorization', 'x-amz-date', 'date']);
/** Headers proxies and clients may change on the way: never signed (the SDK's list). */
const UNSIGNABLE = new Set([
  'authorization', 'cache-control', 'connection', 'expect', 'from', 'keep-alive', 'max-forwards', 'pragma', 'referer', 'te',
  'trailer', 'transfer-encoding', 'upgrade', 'user-agent', 'x-amzn-trace-id',
]);

const sha256Hex = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

/** Signing keys by day, Region, service and credentials: one derivation (four HMACs) a day instead of one a request. */
const signingKeys = new Map<string, { secret: string; key: Buffer }>();
const SIGNING_KEYS_KEPT = 50;

function signingKey(secret: string, accessKeyId: string, shortDate: string, region: string, service: string): Buffer {
  const id = `${shortDate}/${region}/${service}/${accessKeyId}`;
  const cached = signingKeys.get(id);
  if (cached && cached.secret === secret) return cached.key;
  let key = hmac(`AWS4${secret}`, shortDate);
  for (const part of [region, service, 'aws4_request']) key = hmac(key, part);
  if (signingKeys.size >= SIGNING_KEYS_KEPT) signingKeys.delete(signingKeys.keys().next().value!);
  signingKeys.set(id, { secret, key });
  return key;
}

/** RFC 3986 escaping as AWS wants it: encodeURIComponent, plus the five characters it leaves alone. */
function escapeUri(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The path with `.`, `..` and empty segments resolved, each segment escaped (services other than S3 want that). */
function canonicalPath(requestPath: string): string {
  // as the SDK's HttpRequest reads a path: none is `/`, and one always starts with a slash
  const path = requestPath === '' ? '/' : requestPath.startsWith('/') ? requestPath : `/${requestPath}`;
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment.length === 0 || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const normalized = `${path.startsWith('/') ? '/' : ''}${segments.join('/')}${segments.length > 0 && path.endsWith('/') ? '/' : ''}`;
  return escapeUri(normalized).replace(/%2F/g, '/');
}

function headerValue(headers: Record<string, string>, lowerName: string): string | undefined {
  for (const [name, value] of Object.entries(headers)) if (name.toLowerCase() === lowerName) return value;
  return undefined;
}

/** The request's headers with `x-amz-date`, the session token, the payload hash and `authorization` added. */
export function signRequest(request: SignableRequest, signer: SigV4Signer, now: Date = new Date()): Record<string, string> {
  const { credentials, region, service } = signer;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) if (!GENERATED.has(name.toLowerCase())) headers[name] = value;
  const longDate = now.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
  const shortDate = longDate.slice(0, 8);
  const scope = `${shortDate}/${region}/${service}/aws4_request`;
  headers['x-amz-date'] = longDate;
  if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;
  const payloadHash = headerValue(headers, PAYLOAD_HASH_HEADER) ?? sha256Hex(request.body);
  if (headerValue(headers, PAYLOAD_HASH_HEADER) === undefined) headers[PAYLOAD_HASH_HEADER] = payloadHash;

  const canonical = new Map<string, string>();
  for (const name of Object.keys(headers).sort()) {
    const lower = name.toLowerCase();
    if (UNSIGNABLE.has(lower) || lower.startsWith('proxy-') || lower.startsWith('sec-')) continue;
    canonical.set(lower, headers[name]!.replace(/[\r\n]/g, ' ').replace(/[ \t]+/g, ' ').replace(/^ | $/g, ''));
  }
  const names = [...canonical.keys()].sort();
  const signedHeaderList = names.join(';');
  const canonicalRequest = [
    request.method,
    canonicalPath(request.path),
    '',
    // each canonical header line ends in a newline: a blank line before the list
    names.map((name) => `${name}:${canonical.get(name)}\n`).join(''),
    signedHeaderList,
    payloadHash,
  ].join('\n');
  const stringToSign = `${ALGORITHM}\n${longDate}\n${scope}\n${sha256Hex(canonicalRequest)}`;
  const signature = createHmac('sha256', signingKey(credentials.secretAccessKey, credentials.accessKeyId, shortDate, region, service))
    .update(stringToSign, 'utf8')
    .digest('hex');
  headers['authorization'] = `${ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaderList}, Signature=${signature}`;
  return headers;
}
