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
 * Files that describe a rule's event, with the rule ids they must produce. The corpus holds no S3 Tables record yet
 * (none was public); the S3/KMS/CloudTrail entries arrive with the rule catalogue.
 */
const EXPECTED_FINDINGS = new Map<string, string[]>();

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
