import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { envelopeProblem, isCloudTrailRecord, recordProblem } from '../../src/events/schema.js';
import { cloudTrailRecordSchema, eventBridgeEnvelopeSchema } from './reference-schema.js';
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

  it('accepts and refuses exactly the envelopes the zod reference does', () => {
    const keys = ['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail', 'other'];
    fc.assert(fc.property(fc.dictionary(fc.constantFrom(...keys), anyValue, { maxKeys: 9 }), fc.boolean(), (fields, complete) => {
      const value = complete ? { 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.kms', detail: {}, ...fields } : fields;
      expect(envelopeProblem(value) === undefined).toBe(eventBridgeEnvelopeSchema.safeParse(value).success);
    }), { numRuns: 3000 });
  });

  it('names the field and what is wrong with it', () => {
    expect(recordProblem({ eventSource: 's3.amazonaws.com' })).toBe('eventName: expected a string, found undefined');
    expect(recordProblem({ eventName: '', eventSource: 'x' })).toBe('eventName: must not be empty');
    expect(recordProblem({ eventName: 'A', eventSource: 'x', requestParameters: 'text' })).toBe('requestParameters: expected an object, found string');
    expect(recordProblem({ eventName: 'A', eventSource: 'x', resources: {} })).toBe('resources: expected an array, found object');
    expect(recordProblem([1])).toBe('(root): expected an object, found array');
    expect(envelopeProblem({ 'detail-type': 'x', source: 'aws.s3', detail: [] })).toBe('detail: expected an object, found array');
  });

  it('agrees on non-objects and on a real record', () => {
    for (const value of [null, undefined, 'x', 1, [], [record()], record(), record({ userIdentity: null, resources: null, readOnly: 'true' })]) {
      expect(isCloudTrailRecord(value), JSON.stringify(value)).toBe(cloudTrailRecordSchema.safeParse(value).success);
    }
  });
});
