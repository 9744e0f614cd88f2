// Builds bench/run.ts with esbuild (dependencies stay external) and runs it: `npm run bench`.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';

await build({ entryPoints: ['bench/run.ts'], outfile: 'dist/bench.js', bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning' });
const result = spawnSync(process.execPath, ['--max-old-space-size=4096', '--expose-gc', 'dist/bench.js', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
