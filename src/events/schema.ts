/**
 * What the core relies on in a CloudTrail record and an EventBridge envelope, checked loosely: only those fields, with
 * everything else kept as it is (CloudTrail adds fields with every minor eventVersion). Hand-written rather than zod:
 * this runs for every record of every replay and invocation, without copying it, and keeps zod off the Lambda cold
 * start. test/events/reference-schema.ts states the same shapes in zod, and a property test holds both to the same
 * verdict on arbitrary JSON.
 */
export interface CloudTrailRecord {
  eventVersion?: string;
  eventName: string;
  eventSource: string;
  /** Absent in trimmed excerpts; the envelope's time stands in, else the event sorts as oldest. */
  eventTime?: string;
  eventID?: string;
  eventType?: string;
  awsRegion?: string;
  recipientAccountId?: string;
  sourceIPAddress?: string;
  userAgent?: string;
  errorCode?: string;
  errorMessage?: string;
  readOnly?: boolean | string;
  userIdentity?: Record<string, unknown> | null;
  requestParameters?: Record<string, unknown> | null;
  responseElements?: Record<string, unknown> | null;
  additionalEventData?: Record<string, unknown> | null;
  serviceEventDetails?: Record<string, unknown> | null;
  resources?: unknown[] | null;
  [field: string]: unknown;
}

export interface EventBridgeEnvelope {
  version?: string;
  id?: string;
  'detail-type': string;
  source: string;
  account?: string;
  time?: string;
  region?: string;
  resources?: unknown[];
  detail: Record<string, unknown>;
  [field: string]: unknown;
}

const ENVELOPE_OPTIONAL_STRINGS = ['version', 'id', 'account', 'time', 'region'] as const;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

function requiredString(object: Record<string, unknown>, key: string): string | undefined {
  const value = object[key];
  if (typeof value !== 'string') return `${key}: expected a string, found ${kindOf(value)}`;
  return value.length === 0 ? `${key}: must not be empty` : undefined;
}

function optionalStrings(object: Record<string, unknown>, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const problem = optionalString(key, object[key]);
    if (problem) return problem;
  }
  return undefined;
}

/** Why a value is not a CloudTrail record (the first problem, as `field: what is wrong`), or undefined when it is one. */
export function recordProblem(value: unknown): string | undefined {
  if (!isPlainObject(value)) return `(root): expected an object, found ${kindOf(value)}`;
  // every field read by name: a loop over the names made each read a lookup by computed key (4x slower, every record)
  const record = value as CloudTrailRecord;
  const problem =
    requiredString(value, 'eventName') ??
    requiredString(value, 'eventSource') ??
    optionalString('eventVersion', record.eventVersion) ??
    optionalString('eventTime', record.eventTime) ??
    optionalString('eventID', record.eventID) ??
    optionalString('eventType', record.eventType) ??
    optionalString('awsRegion', record.awsRegion) ??
    optionalString('recipientAccountId', record.recipientAccountId) ??
    optionalString('sourceIPAddress', record.sourceIPAddress) ??
    optionalString('userAgent', record.userAgent) ??
    optionalString('errorCode', record.errorCode) ??
    optionalString('errorMessage', record.errorMessage) ??
    optionalObject('userIdentity', record.userIdentity) ??
    optionalObject('requestParameters', record.requestParameters) ??
    optionalObject('responseElements', record.responseElements) ??
    optionalObject('additionalEventData', record.additionalEventData) ??
    optionalObject('serviceEventDetails', record.serviceEventDetails);
  if (problem) return problem;
  const readOnly = record.readOnly;
  if (readOnly !== undefined && typeof readOnly !== 'boolean' && typeof readOnly !== 'string') return `readOnly: expected a boolean, found ${kindOf(readOnly)}`;
  const resources = record.resources;
  if (resources !== undefined && resources !== null && !Array.isArray(resources)) return `resources: expected an array, found ${kindOf(resources)}`;
  return undefined;
}

function optionalString(key: string, value: unknown): string | undefined {
  return value !== undefined && typeof value !== 'string' ? `${key}: expected a string, found ${kindOf(value)}` : undefined;
}

function optionalObject(key: string, value: unknown): string | undefined {
  return value !== undefined && value !== null && !isPlainObject(value) ? `${key}: expected an object, found ${kindOf(value)}` : undefined;
}

export function isCloudTrailRecord(value: unknown): value is CloudTrailRecord {
  return recordProblem(value) === undefined;
}

/** Why a value is not an EventBridge envelope, or undefined when it is one. */
export function envelopeProblem(value: unknown): string | undefined {
  if (!isPlainObject(value)) return `(root): expected an object, found ${kindOf(value)}`;
  const problem = requiredString(value, 'detail-type') ?? requiredString(value, 'source') ?? optionalStrings(value, ENVELOPE_OPTIONAL_STRINGS);
  if (problem) return problem;
  const resources = value['resources'];
  if (resources !== undefined && !Array.isArray(resources)) return `resources: expected an array, found ${kindOf(resources)}`;
  return isPlainObject(value['detail']) ? undefined : `detail: expected an object, found ${kindOf(value['detail'])}`;
}

export function isEventBridgeEnvelope(value: unknown): value is EventBridgeEnvelope {
  return envelopeProblem(value) === undefined;
}
