#!/usr/bin/env node
// Built by `npm run build` (run automatically by `npm ci` / `npm install` through the prepare script).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('sse-sentinel: dist/cli.js is missing; run `npm run build` first\n');
  process.exit(2);
}
const { run } = await import(entry.href);
await run();
