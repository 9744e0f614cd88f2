import { z } from 'zod';

/**
 * The record and envelope shapes as zod schemas: the readable reference the hand-written guards in
 * src/events/schema.ts are held to (record-guard.test.ts compares their verdicts on arbitrary JSON).
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
