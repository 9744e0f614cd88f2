import { build } from 'esbuild';
await build({ entryPoints: ['handlers/processor.ts'], outdir: '/tmp/plain2/handlers', bundle: true, minify: false, format: 'esm', splitting: true, platform: 'node', target: 'node22', mainFields: ['module', 'main'], chunkNames: 'chunks/[name]-[hash]', logLevel: 'error',
  banner: { js: "const require = (id) => { const m = process.getBuiltinModule(id); if (m) return m; throw new Error(id); };" } });
