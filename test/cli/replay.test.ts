import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { readInputs } from '../../src/events/reader.js';
import { Pipeline } from '../../src/pipeline.js';
import { MemoryStateStore } from '../../src/state/memory.js';
import { DEDUP_TTL_MS } from '../../src/state/store.js';
import { CORPUS, EVENTS, ROOT, collect, examplePolicy, record, runCli } from '../helpers.js';

const run = runCli;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sse-sentinel-cli-'));
});

describe('sse-sentinel replay --remediate dry-run', () => {
  it('prints, under each finding, the calls the remediator would make with their input', async () => {
    const { code, stdout, stderr } = await run(['replay', '--policy', join(ROOT, 'policy.example.yaml'), '--remediate', 'dry-run', join(EVENTS, 'scenarios')]);
    expect(code).toBe(0);
    const deletion = stdout.slice(stdout.indexOf('CRITICAL kms.key-deletion-scheduled'));
    expect(deletion).toMatch(/^ {9}↳ remediation cancel-key-deletion \[dry-run\] dry-run: cancel the deletion of arn:aws:kms:us-east-1:111122223333:key\/c0ffee00-1111-4222-8333-444455556666/m);
    expect(deletion).toContain('would call kms:CancelKeyDeletion {"KeyId":"arn:aws:kms:us-east-1:111122223333:key/c0ffee00-1111-4222-8333-444455556666"}');
    expect(stdout).toMatch(/↳ remediation restore-table-bucket-encryption \[dry-run\] dry-run: set SSE-KMS with arn:aws:kms:us-east-1:111122223333:key\/[0-9a-f-]+ \(previous configuration\)/);
    expect(stdout).toContain('would call s3tables:PutTableBucketEncryption {"tableBucketARN":"arn:aws:s3tables:us-east-1:111122223333:bucket/');
    expect(stderr).toMatch(/^remediation \(dry-run, offline\): \d+ dry-run/m);
  });

  it('adds the outcome as a Finding line of its own in json, linked by event id', async () => {
    const { stdout } = await run(['replay', '--format', 'json', '--remediate', 'dry-run', '--policy', join(ROOT, 'policy.example.yaml'), join(EVENTS, 'scenarios/key-blast-radius')]);
    const lines = stdout.trim().split('\n').map((line) => JSON.parse(line));
    const finding = lines.find((f) => f.ruleId === 'kms.key-deletion-scheduled' && !f.title.startsWith('Remediation'));
    const outcome = lines.find((f) => f.title.startsWith('Remediation dry-run'));
    expect(finding.remediation).toEqual({ action: 'cancel-key-deletion', mode: 'dry-run', outcome: 'dry-run' });
    expect(outcome).toMatchObject({ eventId: finding.eventId, ruleId: finding.ruleId, current: { wouldCall: [{ service: 'kms', operation: 'CancelKeyDeletion' }] } });
  });

  it('plans nothing without --remediate, for alert-mode rules, and refuses enforce', async () => {
    const plain = await run(['replay', '--policy', join(ROOT, 'policy.example.yaml'), join(EVENTS, 'scenarios/key-blast-radius')]);
    expect(plain.stdout).not.toContain('↳ remediation');
    const policyFile = join(dir, 'alert-only.yaml');
    await writeFile(policyFile, 'remediation:\n  defaultMode: alert\n');
    const alertOnly = await run(['replay', '--remediate', 'dry-run', '--policy', policyFile, join(EVENTS, 'scenarios/key-blast-radius')]);
    expect(alertOnly.stdout).not.toContain('↳ remediation');
    expect(alertOnly.stderr).toContain('remediation (dry-run, offline): none planned');
    const refused = await run(['replay', '--remediate', 'enforce']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--remediate must be off or dry-run, not "enforce"');
  });
});

describe('sse-sentinel replay', () => {
  it('replays the sample events with exit 0 and a readable text report', async () => {
    const { code, stdout, stderr } = await run(['replay', '--policy', join(ROOT, 'policy.example.yaml'), EVENTS]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^HIGH {5}s3tables\.bucket-encryption-removed {2}s3tables:bucket\/analytics$/m);
    expect(stdout).toMatch(/^CRITICAL s3tables\.table-key-unapproved/m);
    expect(stdout).toContain('Posture — KMS keys and what they protect:');
    const count = Number(/\d+ records, (\d+) findings .*0 invalid inputs/.exec(stderr)?.[1]);
    expect(count).toBeGreaterThan(30);
    expect(stdout.match(/^(INFO|LOW|MEDIUM|HIGH|CRITICAL) +[a-z0-9]+\.[a-z0-9-]+ /gm)).toHaveLength(count);
  });

  it('prints one Finding JSON per line with --format json', async () => {
    const { code, stdout } = await run(['replay', '--format', 'json', join(EVENTS, 'scenarios/table-bucket-lifecycle')]);
    expect(code).toBe(0);
    const findings = stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(findings.map((f) => f.ruleId)).toEqual(['s3tables.bucket-encryption-removed', 's3tables.table-created-without-kms']);
    for (const f of findings) {
      expect(Object.keys(f)).toEqual(expect.arrayContaining(['ruleId', 'severity', 'title', 'eventId', 'eventName', 'eventSource', 'eventTime', 'account', 'region', 'principal', 'sourceIp', 'resources', 'dedupKey']));
    }
  });

  it('exits 1 over the corpus, listing each invalid input with file and line, after processing the rest', async () => {
    const { code, stderr } = await run(['replay', CORPUS]);
    expect(code).toBe(1);
    expect(stderr).toContain('error: ' + join(CORPUS, 'kms/doc2023__kms-devguide__Decrypt_failure_IncorrectKeyException.json') + ':18 (record 0): invalid JSON');
    expect(stderr).toMatch(/\d{2,} records, .* 2 non-event inputs skipped, 1 invalid inputs/);
  });

  it('passes over the records no rule or ledger reads, and finds, counts and learns what judging every record finds', async () => {
    // a log file as most are: other services' calls around the ones sse-sentinel reads
    const others = Array.from({ length: 40 }, (_, i) => record({ eventID: `other-${i}`, eventSource: i % 2 ? 'sts.amazonaws.com' : 'ec2.amazonaws.com', eventName: i % 2 ? 'AssumeRole' : 'DescribeInstances' }));
    const log = join(dir, 'other-services.json.gz');
    await writeFile(log, gzipSync(JSON.stringify({ Records: [...others.slice(0, 20), record({ eventID: 'read-1' }), ...others.slice(20)] })));
    const paths = [EVENTS, join(CORPUS, 'logfiles'), join(CORPUS, 's3'), join(CORPUS, 'kms'), log];
    const report = join(dir, 'passing-report.json');
    const replayed = await run(['replay', '--format', 'json', '--policy', join(ROOT, 'policy.example.yaml'), '--report', report, ...paths]);
    // every record read and judged, none passed over, with the store replay uses (claims expire in event time)
    const pipeline = await Pipeline.create({ policy: await examplePolicy(), store: new MemoryStateStore(DEDUP_TTL_MS, { compactEventClaims: true }), neverSaved: true });
    const items = await collect(paths);
    const findings = [];
    for (const item of items) if (item.kind === 'event') findings.push(...(await pipeline.process(item.event)).findings);
    const written = JSON.parse(await readFile(report, 'utf8'));
    expect(written.findings.map((f: { ruleId: string; eventId: string }) => `${f.ruleId} ${f.eventId}`)).toEqual(findings.map((f) => `${f.ruleId} ${f.eventId}`));
    expect(written.posture).toEqual(JSON.parse(JSON.stringify(pipeline.ledger.keys())));
    expect(written.summary.records).toBe(items.filter((item) => item.kind === 'event').length);
    expect(written.summary.invalid).toBe(items.filter((item) => item.kind === 'error').length);
    // and records were passed over: the sts/ec2 calls and the corpus's other services
    let passed = 0;
    for await (const item of readInputs(paths, undefined, { reads: (event) => pipeline.reads(event) })) if (item.kind === 'passed') passed++;
    expect(passed).toBeGreaterThanOrEqual(40);
    expect(replayed.stderr).toContain(`${written.summary.records} records`);
  });

  it('reads standard input', async () => {
    const text = await readFile(join(EVENTS, 's3tables/DeleteTableBucketEncryption.json'), 'utf8');
    const { code, stdout } = await run(['replay', '--format', 'json', '-'], text);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).ruleId).toBe('s3tables.bucket-encryption-removed');
  });

  it('exits 2 on usage and policy errors, naming the problem', async () => {
    expect((await run(['replay', '--format', 'xml'])).code).toBe(2);
    expect((await run(['frobnicate'])).code).toBe(2);
    const policy = join(dir, 'bad-policy.yaml');
    await writeFile(policy, 'kms:\n  required: maybe\n');
    const { code, stderr } = await run(['replay', '--policy', policy, EVENTS]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${policy}:2: kms.required`);
  });

  it('keeps the ledger and dedup markers across runs with --state, and writes a report', async () => {
    const state = join(dir, 'state.json');
    const report = join(dir, 'report.json');
    const first = await run(['replay', '--state', state, join(EVENTS, 'scenarios/table-bucket-lifecycle/01-CreateTableBucket.kms-key-a.json')]);
    expect(first.code).toBe(0);
    // second run: the deletion knows the previous key from the state file
    const second = await run(['replay', '--format', 'json', '--state', state, '--report', report, join(EVENTS, 'scenarios/table-bucket-lifecycle/04-DeleteTableBucketEncryption.json')]);
    expect(JSON.parse(second.stdout).previous).toEqual({ sseAlgorithm: 'aws:kms', kmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' });
    const written = JSON.parse(await readFile(report, 'utf8'));
    expect(written.summary).toMatchObject({ records: 1, findings: 1, invalid: 0 });
    // third run of the same event: a duplicate, no finding
    const third = await run(['replay', '--format', 'json', '--state', state, join(EVENTS, 'scenarios/table-bucket-lifecycle/04-DeleteTableBucketEncryption.json')]);
    expect(third.stdout).toBe('');
    expect(third.stderr).toContain('1 duplicates skipped');
  });

  it('rejects a corrupt state file with exit 2', async () => {
    const state = join(dir, 'corrupt-state.json');
    await writeFile(state, '{"version":1,');
    const { code, stderr } = await run(['replay', '--state', state, EVENTS]);
    expect(code).toBe(2);
    expect(stderr).toContain('state file is not valid JSON');
  });
});

describe('the built command', () => {
  it('runs through bin/sse-sentinel.mjs (what `npx sse-sentinel` starts)', () => {
    const result = spawnSync(process.execPath, [join(ROOT, 'bin/sse-sentinel.mjs'), 'replay', '--format', 'json', join(EVENTS, 'scenarios/table-bucket-lifecycle')], { encoding: 'utf8', cwd: ROOT });
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(2);
    expect(spawnSync(process.execPath, [join(ROOT, 'bin/sse-sentinel.mjs'), 'rules'], { encoding: 'utf8' }).stdout).toContain('s3tables.kms-access-denied');
  });
});

describe('sse-sentinel validate', () => {
  it('accepts the shipped policies and rejects a broken one with file:line', async () => {
    for (const file of ['config/policy.yaml', 'policy.example.yaml']) {
      const { code, stdout } = await runCli(['validate', join(ROOT, file)]);
      expect(code).toBe(0);
      expect(stdout).toContain(': valid (');
    }
    const broken = join(dir, 'broken.yaml');
    await writeFile(broken, 'rules:\n  no.such-rule:\n    enabled: false\n');
    const { code, stderr } = await runCli(['validate', '--policy', broken]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${broken}:2: rules.no.such-rule: no rule has this id`);
  });
});
