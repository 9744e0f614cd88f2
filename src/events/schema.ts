import { z } from 'zod';

/**
 * Loose schemas: only what the core relies on is checked, everything else is kept as it is
 * (CloudTrail adds fields with every minor eventVersion).
 */
/**
 * A JSON object taken as it is: `z.record` would copy every member of every request (the hot path of a replay runs
 * this for each record), and nothing below the top level is validated anyway.
 */
const jsonObject = z.custom<Record<string, unknown>>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), { message: 'expected an object' });
const jsonObjectOrNull = jsonObject.nullish();

export const cloudTrailRecordSchema = z.looseObject({
  eventVersion: z.string().optional(),
  eventName: z.string().min(1),
  eventSource: z.string().min(1),
  /** Absent in trimmed excerpts; the envelope's time stands in, else the event sorts as oldest. */
  eventTime: z.string().optional(),
  eventID: z.string().optional(),
  eventType: z.string().optional(),
  awsRegion: z.string().optional(),
  recipientAccountId: z.string().optional(),
  sourceIPAddress: z.string().optional(),
  userAgent: z.string().optional(),
  errorCode: z.string().optional(),
  errorMessage: z.string().optional(),
  readOnly: z.union([z.boolean(), z.string()]).optional(),
  userIdentity: jsonObjectOrNull,
  requestParameters: jsonObjectOrNull,
  responseElements: jsonObjectOrNull,
  additionalEventData: jsonObjectOrNull,
  serviceEventDetails: jsonObjectOrNull,
  resources: z.array(z.unknown()).nullish(),
});
export type CloudTrailRecord = z.infer<typeof cloudTrailRecordSchema>;

const OPTIONAL_STRINGS = [
  'eventVersion', 'eventTime', 'eventID', 'eventType', 'awsRegion', 'recipientAccountId', 'sourceIPAddress', 'userAgent', 'errorCode', 'errorMessage',
] as const;
const OPTIONAL_OBJECTS = ['userIdentity', 'requestParameters', 'responseElements', 'additionalEventData', 'serviceEventDetails'] as const;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Exactly what cloudTrailRecordSchema accepts, without building a copy: the hot path of every replay and invocation.
 * The schema stays the source of the error messages (it runs only when this says no), and a property test holds the
 * two to the same verdict on arbitrary JSON.
 */
export function isCloudTrailRecord(value: unknown): value is CloudTrailRecord {
  if (!isPlainObject(value)) return false;
  const name = value['eventName'];
  const source = value['eventSource'];
  if (typeof name !== 'string' || name.length === 0 || typeof source !== 'string' || source.length === 0) return false;
  for (const key of OPTIONAL_STRINGS) {
    const field = value[key];
    if (field !== undefined && typeof field !== 'string') return false;
  }
  for (const key of OPTIONAL_OBJECTS) {
    const field = value[key];
    if (field !== undefined && field !== null && !isPlainObject(field)) return false;
  }
  const readOnly = value['readOnly'];
  if (readOnly !== undefined && typeof readOnly !== 'boolean' && typeof readOnly !== 'string') return false;
  const resources = value['resources'];
  return resources === undefined || resources === null || Array.isArray(resources);
}

export const eventBridgeEnvelopeSchema = z.looseObject({
  version: z.string().optional(),
  id: z.string().optional(),
  'detail-type': z.string().min(1),
  source: z.string().min(1),
  account: z.string().optional(),
  time: z.string().optional(),
  region: z.string().optional(),
  resources: z.array(z.unknown()).optional(),
  detail: jsonObject,
});
export type EventBridgeEnvelope = z.infer<typeof eventBridgeEnvelopeSchema>;

/** Turns a zod error into one line a person can act on: `eventName: expected string, received undefined`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}
