// npm run member-template: packages the hub (serverless package) and writes deploy/member-account.json from its rules.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'sse-sentinel-member-'));
try {
  const packaged = spawnSync(join('node_modules', '.bin', 'serverless'), ['package', '--package', dir, '--stage', 'member'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (packaged.status !== 0) process.exit(packaged.status ?? 1);
  await build({ entryPoints: ['src/deploy/member-template.ts'], outfile: join(dir, 'member-template.mjs'), bundle: true, platform: 'node', format: 'esm', logLevel: 'warning' });
  const { memberTemplate } = await import(join(dir, 'member-template.mjs'));
  const hub = JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'));
  writeFileSync('deploy/member-account.json', `${JSON.stringify(memberTemplate(hub), null, 2)}\n`);
  process.stdout.write('wrote deploy/member-account.json\n');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
