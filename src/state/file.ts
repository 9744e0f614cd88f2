import { readFile, rename, writeFile } from 'node:fs/promises';
import type { LedgerEntry } from '../correlate/ledger.js';
import { MemoryStateStore } from './memory.js';
import { DEDUP_TTL_MS } from './store.js';

interface FileContents {
  version: 1;
  entries: LedgerEntry[];
  claims: Record<string, number>;
  counters?: Record<string, { value: number; expiresAt: number }>;
}

export class StateFileError extends Error {}

/**
 * The ledger and dedup markers in one local JSON file, so `replay --state FILE` carries posture across runs.
 * Written atomically (temporary file, then rename) on flush; expired markers are dropped then.
 */
export class FileStateStore extends MemoryStateStore {
  private writing: Promise<void> = Promise.resolve();
  private latestNow = 0;

  override async claimEvent(eventId: string, nowMs: number, ttlMs?: number): Promise<boolean> {
    this.latestNow = Math.max(this.latestNow, nowMs);
    return super.claimEvent(eventId, nowMs, ttlMs);
  }

  override claimEventNow(eventId: string, nowMs: number): boolean {
    this.latestNow = Math.max(this.latestNow, nowMs);
    return super.claimEventNow(eventId, nowMs);
  }

  override async incrementCounter(key: string, nowMs: number, ttlMs: number): Promise<number> {
    this.latestNow = Math.max(this.latestNow, nowMs);
    return super.incrementCounter(key, nowMs, ttlMs);
  }
  private writes = 0;

  private constructor(
    private readonly path: string,
    dedupTtlMs: number,
  ) {
    super(dedupTtlMs);
  }

  static async open(path: string, dedupTtlMs = DEDUP_TTL_MS): Promise<FileStateStore> {
    const store = new FileStateStore(path, dedupTtlMs);
    let text: string | undefined;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new StateFileError(`${path}: cannot read state: ${(error as Error).message}`);
    }
    if (text !== undefined) {
      let contents: FileContents;
      try {
        contents = JSON.parse(text) as FileContents;
      } catch (error) {
        throw new StateFileError(`${path}: state file is not valid JSON (${(error as Error).message}); move it away to start afresh`);
      }
      if (contents?.version !== 1 || !Array.isArray(contents.entries)) {
        throw new StateFileError(`${path}: not an sse-sentinel state file (expected {"version":1,"entries":[…]})`);
      }
      store.restore(contents.entries);
      for (const [eventId, expiry] of Object.entries(contents.claims ?? {})) store.claims.set(eventId, expiry);
      for (const [key, counter] of Object.entries(contents.counters ?? {})) store.counters.set(key, counter);
    }
    return store;
  }

  override async flush(): Promise<void> {
    // one write at a time: concurrent flushes must not interleave their temporary files
    this.writing = this.writing.then(() => this.write());
    await this.writing;
  }

  private async write(): Promise<void> {
    // expiry is judged by the clock the callers use (event time in replays of old logs), not the wall clock
    const now = this.latestNow;
    const claims: Record<string, number> = {};
    for (const [eventId, expiry] of this.claims) if (expiry > now) claims[eventId] = expiry;
    const counters: Record<string, { value: number; expiresAt: number }> = {};
    for (const [key, counter] of this.counters) if (counter.expiresAt > now) counters[key] = counter;
    const contents: FileContents = { version: 1, entries: [...this.entries.values()], claims, counters };
    const temporary = `${this.path}.${process.pid}.${++this.writes}.tmp`;
    await writeFile(temporary, JSON.stringify(contents));
    await rename(temporary, this.path);
  }
}
