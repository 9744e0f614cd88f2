import { z } from 'zod';

/**
 * Loose schemas: only what the core relies on is checked, everything else is kept as it is
 * (CloudTrail adds fields with every minor eventVersion).
 */
const jsonObjectOrNull = z.record(z.string(), z.unknown()).nullish();

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
  userIdentity: z.record(z.string(), z.unknown()).nullish(),
  requestParameters: jsonObjectOrNull,
  responseElements: jsonObjectOrNull,
  additionalEventData: jsonObjectOrNull,
  serviceEventDetails: jsonObjectOrNull,
  resources: z.array(z.unknown()).nullish(),
});
export type CloudTrailRecord = z.infer<typeof cloudTrailRecordSchema>;

export const eventBridgeEnvelopeSchema = z.looseObject({
  version: z.string().optional(),
  id: z.string().optional(),
  'detail-type': z.string().min(1),
  source: z.string().min(1),
  account: z.string().optional(),
  time: z.string().optional(),
  region: z.string().optional(),
  resources: z.array(z.unknown()).optional(),
  detail: z.record(z.string(), z.unknown()),
});
export type EventBridgeEnvelope = z.infer<typeof eventBridgeEnvelopeSchema>;

/** Turns a zod error into one line a person can act on: `eventName: expected string, received undefined`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}
