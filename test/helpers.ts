import { join } from 'node:path';
import type { Finding } from '../src/alerts/finding.js';
import { readInputs } from '../src/events/reader.js';
import type { ReadItem } from '../src/events/types.js';
import { loadPolicyFile, policyFromInput } from '../src/policy/load.js';
import { Policy } from '../src/policy/policy.js';
import { Pipeline } from '../src/pipeline.js';
import { RULE_IDS } from '../src/rules/index.js';
import { MemoryStateStore } from '../src/state/memory.js';

export const ROOT = join(import.meta.dirname, '..');
export const EVENTS = join(ROOT, 'events');
export const CORPUS = join(ROOT, 'test', 'corpus');

export async function collect(paths: string[]): Promise<ReadItem[]> {
  const items: ReadItem[] = [];
  for await (const item of readInputs(paths)) items.push(item);
  return items;
}

export function examplePolicy(): Promise<Policy> {
  return loadPolicyFile(join(ROOT, 'policy.example.yaml'), RULE_IDS);
}

/** Replays files through a fresh pipeline; returns the findings and the pipeline (for its ledger). */
export async function replayFiles(paths: string[], policy: Policy = policyFromInput()): Promise<{ findings: Finding[]; pipeline: Pipeline; items: ReadItem[] }> {
  const pipeline = await Pipeline.create({ policy, store: new MemoryStateStore() });
  const findings: Finding[] = [];
  const items = await collect(paths);
  for (const item of items) {
    if (item.kind === 'event') findings.push(...(await pipeline.process(item.event)).findings);
  }
  return { findings, pipeline, items };
}

export function envelope(detail: Record<string, unknown>, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: '0',
    id: 'c0ffee00-0000-4000-8000-000000000001',
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.s3tables',
    account: '111122223333',
    time: '2025-01-10T10:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail,
    ...overrides,
  };
}

export function record(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventVersion: '1.11',
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333', principalId: 'AIDAEXAMPLE' },
    eventTime: '2025-01-10T10:00:00Z',
    eventSource: 's3tables.amazonaws.com',
    eventName: 'DeleteTableBucketEncryption',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.10',
    requestParameters: { tableBucketARN: 'arn:aws:s3tables:us-east-1:111122223333:bucket/analytics' },
    responseElements: null,
    eventID: 'e0000000-0000-4000-8000-000000000001',
    eventType: 'AwsApiCall',
    recipientAccountId: '111122223333',
    ...overrides,
  };
}

/** Runs the sse-sentinel command in-process and captures what it prints. */
export async function runCli(argv: string[], stdinText = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  const { PassThrough, Readable } = await import('node:stream');
  const { main } = await import('../src/cli/main.js');
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => (out += chunk));
  stderr.on('data', (chunk) => (err += chunk));
  const code = await main(argv, { stdout, stderr, stdin: Readable.from([stdinText]) });
  return { code, stdout: out, stderr: err };
}
