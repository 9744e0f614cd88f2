import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildAlert } from '../../src/alerts/alert.js';
import { renderSlack } from '../../src/alerts/render-slack.js';
import { snsPublishInput } from '../../src/alerts/sns.js';
import { RULES } from '../../src/rules/index.js';
import { EVENTS, examplePolicy, replayFiles, ROOT } from '../helpers.js';

// The example payloads under docs/alerts are rendered from fixtures by this test. UPDATE_DOCS=1 npx vitest run
// test/alerts/docs-examples.test.ts writes them again after a renderer change; otherwise they must match.
const EXAMPLES = [
  ['kms-key-deletion-scheduled', 'scenarios/key-blast-radius'],
  ['s3tables-table-key-unapproved', 's3tables/CreateTable.foreign-key.json'],
  ['s3-sse-c-write', 's3/CopyObject.sse-c.json'],
] as const;
const rulesById = new Map(RULES.map((r) => [r.id, r]));

describe('example alert payloads in docs/alerts', () => {
  it.each(EXAMPLES)('%s is what the renderers produce today', async (name, fixture) => {
    const { findings } = await replayFiles([join(EVENTS, fixture)], await examplePolicy());
    const finding = name === 'kms-key-deletion-scheduled' ? findings.find((f) => f.ruleId === 'kms.key-deletion-scheduled')! : findings.at(-1)!;
    const alert = buildAlert(finding, rulesById.get(finding.ruleId));
    const files = {
      [`${name}.slack.json`]: `${JSON.stringify(renderSlack(alert), null, 2)}\n`,
      [`${name}.sns.json`]: `${JSON.stringify({ ...snsPublishInput('arn:aws:sns:us-east-1:111122223333:sse-sentinel-prod-alerts', alert), Message: JSON.parse(snsPublishInput('arn:aws:sns:us-east-1:111122223333:sse-sentinel-prod-alerts', alert).Message!) }, null, 2)}\n`,
    };
    for (const [file, contents] of Object.entries(files)) {
      const path = join(ROOT, 'docs', 'alerts', file);
      if (process.env['UPDATE_DOCS']) await writeFile(path, contents);
      expect(await readFile(path, 'utf8')).toBe(contents);
    }
  });
});
