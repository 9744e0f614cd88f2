// esbuild plugin for serverless-esbuild (`custom.esbuild.plugins`): every dynamic import() becomes a module of its own,
// built into handlers/lazy/<function>/, so that the function's entry file holds all the code a cold start runs (one file
// for Node's ES module loader to resolve, read and compile), and each path that loads more (an alert, the state table)
// loads one more self-contained file, whose own dynamic imports (the SDK's credential providers) are lazy modules too.
//
// Why not esbuild's code splitting: it puts code reachable from the entry *and* from a dynamic import into shared
// chunks, so the processor's start was spread over seven files and its first alert over nine more (each resolved, read
// and linked on its own): measured here, ~3 ms of a 21 ms empty-process start to the first classified event, ~7 ms to
// the first alert, ~10 ms to the first event judged against the DynamoDB state table. The price: modules carry their
// own copies of what they share (the SDK core in each client; pure helpers), so zips hold ~2 MB instead of ~1 MB, and
// nothing may rely on one instance of a shared module across the entry and a lazy module (the package test runs the
// packaged processor through its lazy modules).
const { createHash } = require('node:crypto');
const path = require('node:path');

/** A stable file name for a lazily imported module: its path under the project, readable and collision-free. */
function lazyName(resolvedPath, root) {
  const relative = path.relative(root, resolvedPath).replace(/\\/g, '/');
  const readable = relative
    .replace(/^node_modules\//, '')
    .replace(/\/dist-(es|cjs)\/.*$/, '')
    .replace(/\.[cm]?[jt]s$/, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  const hash = createHash('sha256').update(relative).digest('hex').slice(0, 6);
  return `${readable}-${hash}`;
}

/** Marks every dynamic import() as external, pointing at its lazy module; records what must be built. */
function redirectDynamicImports(build, root, lazyDir, fromDir, lazy) {
  build.onResolve({ filter: /.*/ }, async (args) => {
    if (args.kind !== 'dynamic-import') return undefined;
    const resolved = await build.resolve(args.path, { kind: 'import-statement', resolveDir: args.resolveDir, importer: args.importer });
    if (resolved.errors.length > 0) return { errors: resolved.errors };
    if (resolved.external) return { path: args.path, external: true };
    const name = lazyName(resolved.path, root);
    if (!lazy.has(resolved.path)) lazy.set(resolved.path, { name, built: false });
    const target = path.posix.join(lazyDir, `${name}.js`);
    const relative = path.posix.relative(fromDir, target);
    return { path: relative.startsWith('.') ? relative : `./${relative}`, external: true };
  });
}

const lazyModules = {
  name: 'sse-sentinel-lazy-modules',
  setup(build) {
    const options = build.initialOptions;
    const entries = Array.isArray(options.entryPoints) ? options.entryPoints : Object.values(options.entryPoints ?? {});
    if (entries.length !== 1 || !options.outdir) throw new Error('lazy-modules: expects one entry point and an outdir (serverless-esbuild builds one function at a time)');
    const entry = typeof entries[0] === 'string' ? entries[0] : entries[0].in;
    const root = options.absWorkingDir ?? process.cwd();
    const functionName = path.basename(entry).replace(/\.[cm]?[jt]s$/, '');
    const lazyDir = `lazy/${functionName}`;
    /** resolved source path → its lazy module (name, and whether it is built yet) */
    const lazy = new Map();
    redirectDynamicImports(build, root, lazyDir, '.', lazy);

    build.onEnd(async (result) => {
      if (result.errors.length > 0) return;
      const { plugins: _plugins, entryPoints: _entryPoints, outdir, outfile: _outfile, metafile: _metafile, splitting: _splitting, ...shared } = options;
      // Each lazy module is one self-contained file, like the entry: a path that loads one (an alert, the state table)
      // reads one file, not a web of shared chunks. Their own dynamic imports (the SDK's credential providers) become
      // lazy modules too, built in the next round, until none is left.
      const unbuilt = () => [...lazy].filter(([, module]) => !module.built);
      for (let pending = unbuilt(); pending.length > 0; pending = unbuilt()) {
        for (const [, module] of pending) module.built = true;
        await build.esbuild.build({
          ...shared,
          entryPoints: Object.fromEntries(pending.map(([source, module]) => [module.name, source])),
          outdir: path.join(outdir, lazyDir),
          entryNames: '[name]',
          write: true,
          plugins: [{ name: 'sse-sentinel-nested-lazy-modules', setup: (nested) => redirectDynamicImports(nested, root, lazyDir, lazyDir, lazy) }],
        });
      }
    });
  },
};

module.exports = [lazyModules];
