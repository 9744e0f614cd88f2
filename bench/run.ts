import { performance } from 'node:perf_hooks';
import { policyFromInput } from '../src/policy/load.js';
import { cpus, totalmem } from 'node:os';
import { JsonSplitter } from '../src/events/json-splitter.js';
import { normalizeValue } from '../src/events/normalize.js';
import { Ledger } from '../src/correlate/ledger.js';
import { Pipeline } from '../src/pipeline.js';
import { MemoryStateStore } from '../src/state/memory.js';
import { DEDUP_TTL_MS } from '../src/state/store.js';
import { renderFindingText } from '../src/alerts/render-text.js';
import { generateRecord } from './corpus.js';
import { dynamoWriteAmplification } from './dynamo.js';
import { logFileReplay } from './logfile.js';
import { coldStart } from './cold-start.js';
import { usageBatchIntake } from './usage-batch.js';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 200_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
/** Size of the gzip log set replayed in its own process (0 skips it). */
const LOGFILE_MB = Number(process.env['BENCH_LOGFILE_MB'] ?? 1024);
/** Interleaved cold-start rounds (0 skips it: it runs `serverless package`). */
const COLD_ROUNDS = Number(process.env['BENCH_COLD_ROUNDS'] ?? 10);
/** SQS records through the usage function (0 skips it). */
const USAGE_RECORDS = Number(process.env['BENCH_USAGE_RECORDS'] ?? 10_000);

/** The targets of the deployment issue: each is checked and the run fails when one is missed. */
const TARGETS = {
  pipelineRatioToBaseline: { min: 0.7 },
  logFilePeakRssMB: { max: 256 },
  coldStartClassifiedRatio: { max: 1.5 },
  coldStartAlertRatio: { max: 2.2 },
} as const;

function checkTargets(measured: Partial<Record<keyof typeof TARGETS, number>>): string[] {
  const missed: string[] = [];
  for (const [name, target] of Object.entries(TARGETS) as [keyof typeof TARGETS, { min?: number; max?: number }][]) {
    const value = measured[name];
    if (value === undefined) continue;
    if (target.min !== undefined && value < target.min) missed.push(`${name} ${value} < ${target.min}`);
    if (target.max !== undefined && value > target.max) missed.push(`${name} ${value} > ${target.max}`);
  }
  return missed;
}

function buildText(count: number): string {
  const parts: string[] = [];
  for (let i = 0; i < count; i++) parts.push(JSON.stringify(generateRecord(i)));
  return `{"Records":[${parts.join(',\n')}]}`;
}

/** The slowest part of any reader: JSON.parse of the same input, record by record (the pipeline parses per record too). */
function baseline(text: string): number {
  let n = 0;
  const splitter = new JsonSplitter();
  for (const out of [...splitter.push(text), ...splitter.end()]) if (out.kind === 'piece') { JSON.parse(out.piece.text); n++; }
  return n;
}

function jsonParseOnly(text: string): number {
  return (JSON.parse(text) as { Records: unknown[] }).Records.length;
}

function ledgerOnly(text: string): number {
  const ledger = new Ledger();
  let n = 0;
  const splitter = new JsonSplitter();
  for (const out of [...splitter.push(text), ...splitter.end()]) {
    if (out.kind !== 'piece') continue;
    for (const item of normalizeValue(JSON.parse(out.piece.text), { source: 'bench' })) if (item.kind === 'event') { ledger.apply(item.event); n++; }
  }
  return n;
}

async function fullPipeline(text: string): Promise<{ events: number; findings: number }> {
  // the store and options replay uses
  const pipeline = await Pipeline.create({ policy: policyFromInput(), store: new MemoryStateStore(DEDUP_TTL_MS, { compactEventClaims: true }), releaseClaimsOnFailedSave: false });
  let events = 0;
  let findings = 0;
  let rendered = 0;
  const splitter = new JsonSplitter();
  for (const out of [...splitter.push(text), ...splitter.end()]) {
    if (out.kind !== 'piece') continue;
    for (const item of normalizeValue(JSON.parse(out.piece.text), { source: 'bench' })) {
      if (item.kind !== 'event') continue;
      events++;
      const pending = pipeline.process(item.event);
      const outcome = pending instanceof Promise ? await pending : pending;
      for (const finding of outcome.findings) {
        findings++;
        rendered += renderFindingText(finding).length + JSON.stringify(finding).length;
      }
    }
  }
  if (rendered < 0) throw new Error('unreachable');
  return { events, findings };
}

async function best<T>(label: string, fn: () => T | Promise<T>): Promise<{ ms: number; value: T }> {
  let bestMs = Infinity;
  let value!: T;
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    value = await fn();
    bestMs = Math.min(bestMs, performance.now() - start);
  }
  process.stderr.write(`  ${label}: ${bestMs.toFixed(0)} ms (best of ${ROUNDS})\n`);
  return { ms: bestMs, value };
}

async function main(): Promise<void> {
  process.stderr.write(`generating ${EVENTS} records…\n`);
  const text = buildText(EVENTS);
  const mb = Buffer.byteLength(text) / 1e6;
  const parseAll = await best('JSON.parse of the whole document', () => jsonParseOnly(text));
  const parse = await best('baseline: split + JSON.parse per record', () => baseline(text));
  const ledger = await best('ledger: split + parse + normalize + ledger update (memory)', () => ledgerOnly(text));
  const pipeline = await best('pipeline: read + normalize + classify + correlate + render', () => fullPipeline(text));
  const dynamo = await dynamoWriteAmplification(2_000);
  const logFiles = await logFileReplay(LOGFILE_MB);
  process.stderr.write(USAGE_RECORDS > 0 ? `usage function over ${USAGE_RECORDS} SQS records…\n` : '');
  const usage = USAGE_RECORDS > 0 ? await usageBatchIntake(USAGE_RECORDS) : undefined;
  process.stderr.write(COLD_ROUNDS > 0 ? `cold start (${COLD_ROUNDS} interleaved rounds, after serverless package)…\n` : '');
  const cold = COLD_ROUNDS > 0 ? await coldStart(COLD_ROUNDS) : undefined;
  const rate = (ms: number) => Math.round(EVENTS / (ms / 1000));
  const results = {
    machine: { cpus: cpus().length, model: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    input: { records: EVENTS, megabytes: Number(mb.toFixed(1)) },
    jsonParseWholeDocument: { ms: Math.round(parseAll.ms), eventsPerSecond: rate(parseAll.ms) },
    jsonParseBaseline: { ms: Math.round(parse.ms), eventsPerSecond: rate(parse.ms) },
    ledgerMemory: { ms: Math.round(ledger.ms), eventsPerSecond: rate(ledger.ms), ratioToBaseline: Number((parse.ms / ledger.ms).toFixed(3)) },
    pipeline: { ms: Math.round(pipeline.ms), eventsPerSecond: rate(pipeline.ms), ratioToBaseline: Number((parse.ms / pipeline.ms).toFixed(3)), findings: pipeline.value.findings },
    dynamodb: dynamo,
    ...(logFiles ? { logFileReplay: logFiles } : {}),
    ...(usage ? { usageBatchIntake: usage } : {}),
    ...(cold ? { coldStart: cold } : {}),
  };
  const missed = checkTargets({
    pipelineRatioToBaseline: results.pipeline.ratioToBaseline,
    ...(typeof logFiles?.['peakRssMB'] === 'number' ? { logFilePeakRssMB: logFiles['peakRssMB'] } : {}),
    ...(cold ? { coldStartClassifiedRatio: cold['classifiedRatio'] as number, coldStartAlertRatio: cold['alertRatio'] as number } : {}),
  });
  process.stdout.write(`${JSON.stringify({ ...results, targets: TARGETS, missed }, null, 2)}\n`);
  if (missed.length > 0) {
    process.stderr.write(`targets missed: ${missed.join('; ')}\n`);
    process.exitCode = 1;
  }
}

await main();
