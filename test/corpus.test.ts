import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listEventFiles } from '../src/events/reader.js';
import { CORPUS, examplePolicy, replayFiles } from './helpers.js';

/** Files that are invalid in their source (see test/corpus/SOURCES.md): they must be reported, with a line. */
const INVALID = new Map([['kms/doc2023__kms-devguide__Decrypt_failure_IncorrectKeyException.json', { line: 18, reason: /^invalid JSON: / }]]);
/** Files that hold no events. */
const NOT_EVENTS = new Set(['logfiles/doc2023__cloudtrail-guide__digest-file_empty-hour.json', 'logfiles/doc2023__cloudtrail-guide__digest-file_sample.json']);
/**
 * Files that describe a rule's event, with the rule ids they must produce; every other file must produce none.
 * The corpus holds no S3 Tables record (none was public).
 */
const EXPECTED_FINDINGS = new Map<string, string[]>([
  ['cloudtrail/real__stratus__DeleteTrail.json', ['cloudtrail.trail-deleted']],
  ['cloudtrail/real__stratus__PutEventSelectors.json', ['cloudtrail.data-events-reduced']],
  ['cloudtrail/real__stratus__StopLogging.json', ['cloudtrail.logging-stopped']],
  ['cloudtrail/synthetic__panther-analysis__PutEventSelectors.json', ['cloudtrail.data-events-reduced']],
  ['cloudtrail/synthetic__panther-analysis__StopLogging.json', ['cloudtrail.logging-stopped']],
  ['eventbridge/doc2023__kms-devguide__native-event_KMS-Imported-Key-Material-Expiration.json', ['kms.imported-key-material-deleted']],
  ['kms/doc2023__kms-devguide__CancelKeyDeletion.json', ['kms.key-recovered']],
  ['kms/doc2023__kms-devguide__CreateKey_origin-EXTERNAL.json', ['kms.external-key-created']],
  ['kms/doc2023__kms-devguide__DeleteExpiredKeyMaterial_service-event.json', ['kms.imported-key-material-deleted']],
  ['kms/doc2023__kms-devguide__DisableKey_2023-version_responseElements-null.json', ['kms.key-disabled']],
  ['kms/doc2023__kms-devguide__EnableKey_2023-version_responseElements-null.json', ['kms.key-recovered']],
  ['kms/doc2023__kms-devguide__ImportKeyMaterial_2023-version.json', ['kms.imported-key-material-expiring']],
  ['kms/doc2023__kms-devguide__ScheduleKeyDeletion_cloudhsm.json', ['kms.key-deletion-scheduled']],
  ['kms/doc2023__kms-devguide__ScheduleKeyDeletion_multiregion.json', ['kms.key-deletion-scheduled']],
  ['kms/doc2023__kms-devguide__ScheduleKeyDeletion_single.json', ['kms.key-deletion-scheduled']],
  ['kms/synthetic__panther-analysis__DisableKey.json', ['kms.key-disabled']],
  ['kms/synthetic__panther-analysis__ScheduleKeyDeletion.json', ['kms.key-deletion-scheduled']],
  ['kms/synthetic__panther-analysis__PutKeyPolicy_policy-as-object.json', ['kms.key-policy-public']],
  ['s3/synthetic__panther-analysis__CopyObject_SSE-KMS_cross-account-key.json', ['s3.object-unexpected-encryption']],
  ['athena/doc2023__athena-guide__StartQueryExecution_success.json', ['athena.query-results-unencrypted']],
  ['s3/real-partial__stratus-doc__CopyObject_SSE-C.json', ['s3.sse-c-write']],
  ['s3/synthetic__panther-analysis__DeleteBucketEncryption.json', ['s3.bucket-encryption-removed']],
]);

describe('conformance corpus', async () => {
  const files = (await listEventFiles(CORPUS)).map((file) => relative(CORPUS, file));

  it('holds the shared corpus with its SOURCES.md', async () => {
    expect(files.length).toBeGreaterThanOrEqual(45);
    expect(await readdir(CORPUS)).toContain('SOURCES.md');
  });

  it.each(files.map((f) => [f]))('%s is read without a crash and classified as documented', async (file) => {
    const { items, findings } = await replayFiles([join(CORPUS, file)], await examplePolicy());
    const errors = items.flatMap((item) => (item.kind === 'error' ? [item.error] : []));
    const events = items.filter((item) => item.kind === 'event');
    const invalid = INVALID.get(file);
    if (invalid) {
      expect(errors).toEqual([{ location: expect.objectContaining({ line: invalid.line }), reason: expect.stringMatching(invalid.reason) }]);
    } else if (NOT_EVENTS.has(file)) {
      expect(items.map((item) => item.kind)).toEqual(['skip']);
    } else {
      expect(errors).toEqual([]);
      expect(events.length).toBeGreaterThan(0);
    }
    expect(findings.map((f) => f.ruleId).sort()).toEqual((EXPECTED_FINDINGS.get(file) ?? []).sort());
  });
});
