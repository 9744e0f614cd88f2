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
    return { megabytes, files, records, seconds: Number(seconds.toFixed(1)), recordsPerSecond: Math.round(records / seconds), ...(rss ? { peakRssMB: Math.round(Number(rss) / 1024) } : {}) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
