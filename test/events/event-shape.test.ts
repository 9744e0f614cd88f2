import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeValue } from '../../src/events/normalize.js';
import { record, ROOT } from '../helpers.js';

/**
 * Runs in a child `node --allow-natives-syntax`: V8's %HaveSameMap tells whether two objects share a hidden class.
 * Events, principals and resource references that differ only in which optional fields CloudTrail sent must share
 * one: rules read them on every event, and each extra shape made those reads slower (megamorphic beyond four).
 */
const PROBE = `
import { normalizeValue } from '${join(ROOT, 'src', 'events', 'normalize.ts')}';
import { keyOf } from '${join(ROOT, 'src', 'correlate', 'kms.ts')}';
const base = {
  eventVersion: '1.11', eventTime: '2025-01-10T10:00:00Z', eventSource: 'kms.amazonaws.com', eventName: 'Decrypt', awsRegion: 'us-east-1',
  eventID: '00000000-0000-4000-8000-000000000001', recipientAccountId: '111122223333',
  userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/R/s', accountId: '111122223333', principalId: 'AROA:s' },
  resources: [{ ARN: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab', type: 'AWS::KMS::Key', accountId: '111122223333' }],
};
const variants = [
  { ...base, sourceIPAddress: '203.0.113.1', userAgent: 'aws-cli', readOnly: true },
  { ...base },
  { ...base, errorCode: 'AccessDenied', errorMessage: 'denied', readOnly: 'false' },
  { ...base, userIdentity: { type: 'AWSService', invokedBy: 's3.amazonaws.com' }, resources: ['arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'] },
  { ...base, userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333' }, resources: [{ ARN: 'arn:aws:s3:::b' }] },
  { ...base, userIdentity: null },
];
const inputs = [
  ...variants,
  { version: '0', id: 'e1', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.kms', account: '111122223333', time: '2025-01-10T10:00:00Z', region: 'us-east-1', resources: [], detail: variants[2] },
  { version: '0', id: 'e2', 'detail-type': 'KMS CMK Deletion', source: 'aws.kms', account: '111122223333', time: '2025-01-10T10:00:00Z', region: 'us-east-1', resources: ['arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'], detail: { 'key-id': '1234abcd-12ab-34cd-56ef-1234567890ab' } },
];
const events = inputs.flatMap((input) => normalizeValue(input, { source: 'probe' })).map((item) => item.event);
// rules memoise their readers' answers on every event they meet: a second shape all events share
for (const event of events) keyOf(event);
const same = (objects) => objects.every((object) => %HaveSameMap(object, objects[0]));
const resources = events.flatMap((event) => event.resources);
console.log(JSON.stringify({ events: events.length, sameEvents: same(events), samePrincipals: same(events.map((e) => e.principal)), resources: resources.length, sameResources: same(resources) }));
`;

describe('event shapes', () => {
  it('gives events, principals and resource references one hidden class each, whatever optional fields they carry', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sse-sentinel-shape-'));
    try {
      // esbuild would reject %HaveSameMap: it is kept out of the parse as a placeholder and put back after bundling
      const source = PROBE.replaceAll('%HaveSameMap', 'HAVE_SAME_MAP');
      await writeFile(join(dir, 'probe.ts'), source);
      const bundled = await build({ entryPoints: [join(dir, 'probe.ts')], bundle: true, platform: 'node', format: 'esm', write: false, logLevel: 'silent', absWorkingDir: ROOT });
      await writeFile(join(dir, 'probe.mjs'), bundled.outputFiles[0]!.text.replaceAll('HAVE_SAME_MAP', '%HaveSameMap'));
      const run = spawnSync(process.execPath, ['--allow-natives-syntax', join(dir, 'probe.mjs')], { encoding: 'utf8', cwd: ROOT });
      expect(run.status, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({ events: 8, sameEvents: true, samePrincipals: true, resources: 8, sameResources: true });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('normalizes one record twice into events a test can compare (no undefined symbol keys: vitest tells those apart)', () => {
    const input = record({ errorCode: 'AccessDenied' });
    expect(normalizeValue(input, { source: 'twice' })).toEqual(normalizeValue(structuredClone(input), { source: 'twice' }));
  });
});
