// esbuild plugin for serverless-esbuild (`custom.esbuild.plugins`): every dynamic import() becomes a module of its own,
// built in a second pass into handlers/lazy/<function>/, so that the function's entry file holds all the code a cold
// start runs — one file for Node's ES module loader to resolve, read and compile.
//
// Why not esbuild's own code splitting: it puts code reachable from the entry *and* from a dynamic import into shared
// chunks, so the processor's start path was spread over seven files (each resolved, read and linked on its own: ~3 ms of
// a 20 ms empty-process start). The price here: a lazily loaded module carries its own copy of the small helpers it
// shares with the entry (pure functions; nothing relies on one instance of them, see the package test).
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
    /** resolved source path → lazy module name */
    const lazy = new Map();

    build.onResolve({ filter: /.*/ }, async (args) => {
      if (args.kind !== 'dynamic-import') return undefined;
      const resolved = await build.resolve(args.path, { kind: 'import-statement', resolveDir: args.resolveDir, importer: args.importer });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      if (resolved.external) return { path: args.path, external: true };
      const name = lazyName(resolved.path, root);
      lazy.set(resolved.path, name);
      // the entry file sits in outdir: the import is relative to it
      return { path: `./${lazyDir}/${name}.js`, external: true };
    });

    build.onEnd(async (result) => {
      if (result.errors.length > 0 || lazy.size === 0) return;
      const { plugins: _plugins, entryPoints: _entryPoints, outdir, outfile: _outfile, metafile: _metafile, ...shared } = options;
      // lazy modules import each other's dependencies (the SDK's core, credential providers): those share chunks
      await build.esbuild.build({
        ...shared,
        entryPoints: Object.fromEntries([...lazy].map(([source, name]) => [name, source])),
        outdir: path.join(outdir, lazyDir),
        splitting: true,
        chunkNames: 'chunks/[name]-[hash]',
        entryNames: '[name]',
        write: true,
      });
    });
  },
};

module.exports = [lazyModules];
module.exports.lazyName = lazyName;
