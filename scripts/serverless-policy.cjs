'use strict';
// A local serverless plugin: before functions are packaged (or invoked locally), clean the bundle directory, validate
// config/policy.yaml and write config/policy.compiled.json, which the functions load without YAML or zod. An invalid
// policy stops the deployment here, with file:line and key path, instead of failing every cold start.
const { spawnSync } = require('node:child_process');
const { rmSync } = require('node:fs');
const { join } = require('node:path');

class CompilePolicyPlugin {
  constructor(serverless) {
    this.serverless = serverless;
    const compile = () => this.compile();
    this.hooks = {
      'before:package:createDeploymentArtifacts': compile,
      'before:deploy:function:packageFunction': compile,
      'before:invoke:local:invoke': compile,
    };
  }

  compile() {
    const root = this.serverless.config.servicePath;
    // code-split chunks have content-hashed names: without a clean build directory, old ones pile up in every zip
    rmSync(join(root, '.esbuild'), { recursive: true, force: true });
    // the CLI that compiles is built from the same sources as the functions: never a stale dist/
    const built = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, encoding: 'utf8' });
    if (built.status !== 0) throw new this.serverless.classes.Error(`building the sse-sentinel CLI failed:\n${built.stderr}`);
    const result = spawnSync(process.execPath, [join(root, 'bin/sse-sentinel.mjs'), 'validate', 'config/policy.yaml', '--out', 'config/policy.compiled.json'], { cwd: root, encoding: 'utf8' });
    if (result.status !== 0) {
      throw new this.serverless.classes.Error(`config/policy.yaml is not a valid sse-sentinel policy:\n${result.stderr || result.stdout}`);
    }
    this.serverless.cli.log(`sse-sentinel: ${result.stdout.trim()}; compiled to config/policy.compiled.json`);
  }
}

module.exports = CompilePolicyPlugin;
