import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listEventFiles } from '../../src/events/reader.js';
import { RULES } from '../../src/rules/index.js';
import { RULE_DOCS } from '../../src/rules/docs.js';
import { collect, EVENTS, examplePolicy, replayFiles } from '../helpers.js';

// Fixtures are judged with the shipped example policy, the one `npm run replay` uses.
describe('rule registry', () => {
  it('has unique, dotted, lower-case ids, each with its docs', () => {
    const ids = RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(Object.keys(RULE_DOCS).sort()).toEqual([...ids].sort());
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+\.[a-z0-9-]+$/);
  });

  it.each(RULES.map((rule) => [rule.id, rule] as const))('%s is documented and has positive and negative fixtures that exist', (_id, rule) => {
    expect(rule.title.length).toBeGreaterThan(10);
    const docs = RULE_DOCS[rule.id]!;
    expect(docs.description.length).toBeGreaterThan(50);
    expect(rule.runbook).toMatch(/^1\. /);
    expect(docs.references.length).toBeGreaterThan(0);
    expect(docs.fixtures.positive.length).toBeGreaterThan(0);
    expect(docs.fixtures.negative.length).toBeGreaterThan(0);
    for (const fixture of [...docs.fixtures.positive, ...docs.fixtures.negative]) expect(existsSync(join(EVENTS, fixture)), fixture).toBe(true);
  });

  it('every event id in events/ is unique (replay of the whole folder dedups by event id)', async () => {
    const items = await collect([EVENTS]);
    const ids = items.flatMap((item) => (item.kind === 'event' ? [item.event.eventId] : []));
    // only the Lambda trigger payloads under invoke/ are not CloudTrail events, and replay skips them by name
    const others = items.filter((item) => item.kind !== 'event');
    expect(others.map((item) => (item.kind === 'skip' ? item.skip.location.source.slice(EVENTS.length + 1) : item))).toEqual([
      'invoke/logfile.object-created.json', 'invoke/remediator.sqs.json', 'invoke/schedule.json', 'invoke/usage.sqs.json',
    ]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('every file in events/ is some rule\'s fixture, a scenario, a log file or a documented sample', async () => {
    const referenced = new Set(RULES.flatMap((rule) => [...RULE_DOCS[rule.id]!.fixtures.positive, ...RULE_DOCS[rule.id]!.fixtures.negative]));
    const samples = new Set(['s3tables/TablesMaintenanceEvent.json', 's3tables/CreateNamespace.array-namespace.json']);
    for (const file of await listEventFiles(EVENTS)) {
      const relative = file.slice(EVENTS.length + 1);
      if (relative.startsWith('scenarios/') || relative.startsWith('logfiles/') || relative.startsWith('invoke/')) continue;
      expect(referenced.has(relative) || samples.has(relative), relative).toBe(true);
    }
  });
});

describe.each(RULES.map((rule) => [rule.id, rule] as const))('%s', (id, rule) => {
  it.each(RULE_DOCS[id]!.fixtures.positive.map((f) => [f]))('fires on %s', async (fixture) => {
    const { findings, items } = await replayFiles([join(EVENTS, fixture)], await examplePolicy());
    expect(items.every((item) => item.kind === 'event')).toBe(true);
    const mine = findings.filter((f) => f.ruleId === id);
    expect(mine.length).toBeGreaterThan(0);
    for (const finding of mine) {
      expect(finding.resources.length).toBeGreaterThan(0);
      expect(finding.summary.length).toBeGreaterThan(10);
      expect(finding.dedupKey.startsWith(`${id}|`)).toBe(true);
    }
  });

  it.each(RULE_DOCS[id]!.fixtures.negative.map((f) => [f]))('stays quiet on %s', async (fixture) => {
    const { findings } = await replayFiles([join(EVENTS, fixture)], await examplePolicy());
    expect(findings.filter((f) => f.ruleId === id)).toEqual([]);
  });
});

describe('README', () => {
  it('documents every rule with its default severity', async () => {
    const { readFile } = await import('node:fs/promises');
    const readme = await readFile(join(EVENTS, '..', 'README.md'), 'utf8');
    for (const rule of RULES) expect(readme, rule.id).toMatch(new RegExp(`\\| \`${rule.id.replace(/\./g, '\\.')}\` \\| ${rule.severity}\\b`));
  });
});
