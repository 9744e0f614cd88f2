import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cloudTrailRecordSchema, isCloudTrailRecord } from '../../src/events/schema.js';
import { record } from '../helpers.js';

const FIELDS = [
  'eventVersion', 'eventName', 'eventSource', 'eventTime', 'eventID', 'eventType', 'awsRegion', 'recipientAccountId', 'sourceIPAddress',
  'userAgent', 'errorCode', 'errorMessage', 'readOnly', 'userIdentity', 'requestParameters', 'responseElements', 'additionalEventData',
  'serviceEventDetails', 'resources', 'somethingNew',
];

/** Any JSON-ish value, including the shapes that sit on the guard's edges (empty strings, null, arrays). */
const anyValue = fc.oneof(
  fc.constantFrom('', 'x', 'kms.amazonaws.com', null, undefined, true, false, 0, 1.5, [], {}, ['a'], { a: 1 }),
  fc.jsonValue({ maxDepth: 2 }),
);

describe('the fast record guard', () => {
  it('accepts and refuses exactly what the zod schema does, on arbitrary records', () => {
    fc.assert(fc.property(fc.dictionary(fc.constantFrom(...FIELDS), anyValue, { maxKeys: 12 }), fc.boolean(), (fields, withNames) => {
      const value = withNames ? { eventName: 'PutObject', eventSource: 's3.amazonaws.com', ...fields } : fields;
      expect(isCloudTrailRecord(value)).toBe(cloudTrailRecordSchema.safeParse(value).success);
    }), { numRuns: 3000 });
  });

  it('agrees on non-objects and on a real record', () => {
    for (const value of [null, undefined, 'x', 1, [], [record()], record(), record({ userIdentity: null, resources: null, readOnly: 'true' })]) {
      expect(isCloudTrailRecord(value), JSON.stringify(value)).toBe(cloudTrailRecordSchema.safeParse(value).success);
    }
  });
});
