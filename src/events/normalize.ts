import { hexDigest } from '../util/hash.js';
import { parseCloudTrailDate, toIsoSeconds } from './dates.js';
import { normalizePrincipal, principalOf } from './principal.js';
import { envelopeProblem, recordProblem, type CloudTrailRecord, type EventBridgeEnvelope } from './schema.js';
import type { CloudTrailEvent, InputLocation, JsonObject, PassedRecord, ReadItem, ReadOptions, ResourceRef } from './types.js';

const CANONICAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** KMS's own EventBridge events (not delivered through CloudTrail). */
export const KMS_NATIVE_DETAIL_TYPES = new Set([
  'KMS CMK Rotation',
  'KMS CMK Deletion',
  'KMS Imported Key Material Expiration',
]);

interface EnvelopeContext {
  detailType: string;
  id?: string;
  time?: string;
  account?: string;
  region?: string;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objectOrEmpty(value: unknown): JsonObject {
  return isObject(value) ? value : {};
}

function normalizeResources(value: unknown): ResourceRef[] {
  if (!Array.isArray(value)) return [];
  const out: ResourceRef[] = [];
  for (const entry of value) {
    // one shape for every reference, as for events (see normalizeRecord)
    if (typeof entry === 'string') {
      out.push({ arn: entry, type: undefined, accountId: undefined });
      continue;
    }
    if (!isObject(entry)) continue;
    // `ARN` everywhere, `arn` in one sanitised fixture; S3 ListObjects carries only `ARNPrefix`, which names no resource.
    const arn = entry['ARN'] ?? entry['arn'];
    if (typeof arn !== 'string' || arn.length === 0) continue;
    const type = entry['type'];
    const accountId = entry['accountId'];
    out.push({ arn, type: typeof type === 'string' ? type : undefined, accountId: typeof accountId === 'string' ? accountId : undefined });
  }
  return out;
}

function syntheticEventId(record: JsonObject): string {
  return `sha1-${hexDigest('sha1', JSON.stringify(record))}`;
}

function toReadOnly(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

/** The last record time read: records of one log file or burst mostly share their second. */
let lastTimeText = '';
let lastTimeMs: number | undefined;

function recordTime(text: string): number | undefined {
  if (text !== lastTimeText) {
    lastTimeMs = parseCloudTrailDate(text);
    lastTimeText = text;
  }
  return lastTimeMs;
}

/** Every passed record is this one item: passing over one allocates nothing. */
const PASSED: PassedRecord = Object.freeze({ kind: 'passed' });

/**
 * One CloudTrail record (the `detail` of an envelope, or an element of `Records`) → event or error, or passed over when
 * `options.reads` says nothing reads its event: checked as any other first, so a broken record is still reported.
 */
export function normalizeRecord(value: unknown, location: InputLocation, envelope?: EnvelopeContext, options?: ReadOptions): ReadItem {
  const problem = recordProblem(value);
  if (problem) return { kind: 'error', error: { location, reason: `not a CloudTrail record: ${problem}` } };
  const record = value as CloudTrailRecord;
  const timeText = record.eventTime ?? envelope?.time;
  const parsedTime = timeText === undefined ? undefined : recordTime(timeText);
  if (timeText !== undefined && parsedTime === undefined) {
    return { kind: 'error', error: { location, reason: `not a CloudTrail record: eventTime "${timeText}" is not a date` } };
  }
  if (options?.reads && !options.reads(record)) return PASSED;
  const eventTimeMs = parsedTime ?? 0;
  const principal = normalizePrincipal(record.userIdentity);
  const resources = normalizeResources(record.resources);
  const event: CloudTrailEvent = {
    eventId: record.eventID ?? envelope?.id ?? syntheticEventId(record),
    eventName: record.eventName,
    eventSource: record.eventSource,
    eventTime: parsedTime === undefined ? '' : CANONICAL_TIME.test(timeText!) ? timeText! : toIsoSeconds(eventTimeMs),
    eventTimeMs,
    eventType: record.eventType ?? 'AwsApiCall',
    awsRegion: record.awsRegion ?? envelope?.region ?? '',
    account: record.recipientAccountId ?? envelope?.account ?? principal.accountId ?? resources.find((r) => r.accountId)?.accountId ?? '',
    principal,
    requestParameters: objectOrEmpty(record.requestParameters),
    responseElements: objectOrEmpty(record.responseElements),
    additionalEventData: objectOrEmpty(record.additionalEventData),
    serviceEventDetails: objectOrEmpty(record.serviceEventDetails),
    resources,
    location,
    raw: record,
    // every field present, set or undefined: events of one shape keep the rules' property reads monomorphic (fields
    // added only when set gave each mix of failed calls, missing user agents and the like a shape of its own)
    sourceIp: record.sourceIPAddress || undefined,
    userAgent: record.userAgent || undefined,
    errorCode: record.errorCode || undefined,
    errorMessage: record.errorMessage || undefined,
    readOnly: toReadOnly(record.readOnly),
    detailType: envelope?.detailType,
  };
  return { kind: 'event', event };
}

/** KMS's own events carry `detail: {"key-id": …}` and the key ARN in the envelope's resources. */
function normalizeKmsNativeEvent(envelope: JsonObject, location: InputLocation): ReadItem {
  const detailType = String(envelope['detail-type']);
  const time = parseCloudTrailDate(envelope['time']);
  if (time === undefined) {
    return { kind: 'error', error: { location, reason: `KMS event "${detailType}" has no valid time` } };
  }
  const account = typeof envelope['account'] === 'string' ? envelope['account'] : '';
  const event: CloudTrailEvent = {
    eventId: typeof envelope['id'] === 'string' ? envelope['id'] : syntheticEventId(envelope),
    eventName: detailType,
    eventSource: 'kms.amazonaws.com',
    eventTime: toIsoSeconds(time),
    eventTimeMs: time,
    eventType: 'KmsNativeEvent',
    awsRegion: typeof envelope['region'] === 'string' ? envelope['region'] : '',
    account,
    principal: principalOf({ kind: 'AWSService', id: 'kms.amazonaws.com' }, { invokedBy: 'kms.amazonaws.com', accountId: account }),
    requestParameters: {},
    responseElements: {},
    additionalEventData: {},
    serviceEventDetails: objectOrEmpty(envelope['detail']),
    resources: normalizeResources(envelope['resources']),
    location,
    raw: envelope,
    // the shape of every other event (see normalizeRecord)
    sourceIp: undefined,
    userAgent: undefined,
    errorCode: undefined,
    errorMessage: undefined,
    readOnly: undefined,
    detailType,
  };
  return { kind: 'event', event };
}

/**
 * SQS, SNS and S3 notification payloads also carry `Records`, whose elements have `eventSource` `aws:sqs`, `aws:sns` or
 * `aws:s3` (the readers stream the elements of a `Records` file one by one, so either may arrive here).
 */
function lambdaTriggerSource(value: JsonObject): string | undefined {
  const records = value['Records'];
  const record = Array.isArray(records) ? (records[0] as JsonObject | null) : value;
  const source = record && typeof record === 'object' ? (record['eventSource'] ?? record['EventSource']) : undefined;
  // CloudTrail sources are host names (kms.amazonaws.com): only an `aws:` prefix needs the pattern
  return typeof source === 'string' && source.startsWith('aws:') && /^aws:(sqs|sns|s3)$/.test(source) ? source.slice(4).toUpperCase() : undefined;
}

function isDigestFile(value: JsonObject): boolean {
  return 'digestStartTime' in value && 'logFiles' in value;
}

/**
 * Any parsed JSON value from an input → zero or more events, errors and skips.
 * Accepts an EventBridge envelope, a bare CloudTrail record, `{"Records": […]}`, and arrays of those.
 */
export function normalizeValue(value: unknown, location: InputLocation, options?: ReadOptions): ReadItem[] {
  if (Array.isArray(value)) {
    return value.flatMap((element, index) => normalizeValue(element, { ...location, index }, options));
  }
  if (!isObject(value)) {
    return [{ kind: 'error', error: { location, reason: `not an event: expected a JSON object, found ${value === null ? 'null' : typeof value}` } }];
  }
  const trigger = lambdaTriggerSource(value);
  if (trigger) {
    return [{ kind: 'skip', skip: { location, reason: `a Lambda trigger payload (${trigger}), not CloudTrail: a serverless invoke local input` } }];
  }
  if (Array.isArray(value['Records'])) {
    return (value['Records'] as unknown[]).flatMap((record, index) => normalizeValue(record, { ...location, index }, options));
  }
  if (isDigestFile(value)) {
    return [{ kind: 'skip', skip: { location, reason: 'CloudTrail digest file: holds hashes of log files, no events' } }];
  }
  if ('detail' in value && 'detail-type' in value) {
    const problem = envelopeProblem(value);
    if (problem) return [{ kind: 'error', error: { location, reason: `not an EventBridge event: ${problem}` } }];
    const envelope = value as EventBridgeEnvelope;
    const detailType = envelope['detail-type'];
    if (envelope.source === 'aws.kms' && KMS_NATIVE_DETAIL_TYPES.has(detailType)) {
      return [normalizeKmsNativeEvent(value, location)];
    }
    if (!detailType.includes('via CloudTrail')) {
      return [{ kind: 'skip', skip: { location, reason: `EventBridge "${detailType}" event from ${envelope.source} is not a CloudTrail event` } }];
    }
    const context: EnvelopeContext = { detailType };
    if (envelope.id) context.id = envelope.id;
    if (envelope.time) context.time = envelope.time;
    if (envelope.account) context.account = envelope.account;
    if (envelope.region) context.region = envelope.region;
    return [normalizeRecord(envelope.detail, location, context, options)];
  }
  return [normalizeRecord(value, location, undefined, options)];
}
