import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { generateRecord } from './corpus.js';

const FILE_MB = 100;

/** Writes gzip CloudTrail log files totalling `megabytes` of JSON, without holding any of it in memory. */
async function writeLogSet(dir: string, megabytes: number): Promise<{ files: number; records: number }> {
  let records = 0;
  const files = Math.max(1, Math.ceil(megabytes / FILE_MB));
  for (let f = 0; f < files; f++) {
    const target = Math.min(FILE_MB, megabytes - f * FILE_MB) * 1e6;
    async function* body(): AsyncGenerator<string> {
      yield '{"Records":[';
      let written = 0;
      for (let i = 0; written < target; i++) {
        const text = `${i ? ',' : ''}${JSON.stringify(generateRecord(records++))}`;
        written += text.length;
        yield text;
      }
      yield ']}';
    }
    await pipeline(Readable.from(body()), createGzip({ level: 1 }), createWriteStream(join(dir, `111122223333_CloudTrail_us-east-1_20250110T${String(f).padStart(4, '0')}Z_bench.json.gz`)));
  }
  return { files, records };
}

/**
 * What reading the log set costs before any of sse-sentinel's work: each file gunzipped and parsed with one JSON.parse,
 * in a process of its own (the best of two runs). Not a target: the share of a replay the pipeline is, as users run it.
 */
const PARSE_ONLY = `
const { readdirSync, readFileSync } = require('node:fs');
const { gunzipSync } = require('node:zlib');
const dir = process.argv[1];
let records = 0;
for (const file of readdirSync(dir).sort()) records += JSON.parse(gunzipSync(readFileSync(dir + '/' + file)).toString('utf8')).Records.length;
process.stdout.write(String(records));
`;

function parseOnlySeconds(dir: string, records: number): number {
  let best = Infinity;
  for (let run = 0; run < 2; run++) {
    const started = Date.now();
    const result = spawnSync(process.execPath, ['--max-old-space-size=4096', '-e', PARSE_ONLY, dir], { encoding: 'utf8' });
    if (result.status !== 0 || result.stdout !== String(records)) throw new Error(`the parse-only baseline failed (${result.stdout} records): ${result.stderr}`);
    best = Math.min(best, (Date.now() - started) / 1000);
  }
  return best;
}

/** `replay` over a gzip log set, in its own process: records/s and the process's peak RSS (via /usr/bin/time). */
export async function logFileReplay(megabytes: number): Promise<Record<string, number | string> | undefined> {
  if (megabytes <= 0) return undefined;
  const dir = await mkdtemp(join(tmpdir(), 'sse-sentinel-logbench-'));
  try {
    process.stderr.write(`  writing ${megabytes} MB of gzip log files…\n`);
    const { files, records } = await writeLogSet(dir, megabytes);
    const time = existsSync('/usr/bin/time') ? ['/usr/bin/time', '-f', 'maxrss=%M'] : [];
    const started = Date.now();
    const result = spawnSync(time[0] ?? process.execPath, [...time.slice(1), ...(time.length ? [process.execPath] : []), 'bin/sse-sentinel.mjs', 'replay', '--format', 'json', '--no-progress', dir], { encoding: 'utf8', maxBuffer: 1 << 30 });
    const seconds = (Date.now() - started) / 1000;
    const rss = /maxrss=(\d+)/.exec(result.stderr)?.[1];
    process.stderr.write(`  replay of ${records} records: ${seconds.toFixed(1)} s${rss ? `, peak RSS ${Math.round(Number(rss) / 1024)} MB` : ''}\n`);
    const parseSeconds = parseOnlySeconds(dir, records);
    process.stderr.write(`  gunzip + JSON.parse of the same files: ${parseSeconds.toFixed(1)} s\n`);
    return {
      megabytes, files, records, seconds: Number(seconds.toFixed(1)), recordsPerSecond: Math.round(records / seconds),
      ...(rss ? { peakRssMB: Math.round(Number(rss) / 1024) } : {}),
      gunzipAndParseSeconds: Number(parseSeconds.toFixed(1)),
      ratioToGunzipAndParse: Number((parseSeconds / seconds).toFixed(3)),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
