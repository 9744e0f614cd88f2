// Bundles the CLI into dist/cli.js (+ dist/chunks). Dependencies stay in node_modules (packages: external).
import { build } from 'esbuild';

await build({
  entryPoints: { cli: 'src/cli/main.ts' },
  outdir: 'dist',
  // commands that need AWS clients (inventory, doctor, ledger, replay's sinks and --remediate) are chunks loaded on use
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
