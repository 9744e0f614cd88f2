import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { Suppressions } from '../alerts/suppress.js';
import type { CompiledPolicy } from '../policy/compiled.js';
import type { Policy } from '../policy/policy.js';
import { loadPolicyFile, PolicyError } from '../policy/load.js';
import { RULE_IDS, RULES } from '../rules/index.js';
import { StateFileError } from '../state/file.js';
import { parseReplayArgs, USAGE, UsageError } from './args.js';
import { EXIT_OK, EXIT_USAGE, replay, type ReplayIo } from './replay.js';

export async function main(argv: string[], io: ReplayIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'replay':
        return await replay(parseReplayArgs(rest), io);
      case 'inventory':
        // commands that talk to AWS load their SDK clients only when run: replay starts without any
        return await (await import('./inventory.js')).inventoryCommand(rest, io);
      case 'validate': {
        const { path, out } = parseValidateArgs(rest);
        const policy = await loadPolicyFile(path, RULE_IDS);
        if (out) await writeCompiledPolicy(path, out, policy);
        const expired = new Suppressions(policy, Date.now()).expired;
        for (const warning of expired) io.stderr.write(`warning: ${warning}\n`);
        io.stdout.write(`${path}: valid (${policy.document.tableBuckets.length} table bucket rules, ${policy.document.buckets.length} bucket rules, ${policy.document.suppressions.length} suppressions)\n`);
        return EXIT_OK;
      }
      case 'ledger':
        return await (await import('./ledger.js')).ledgerCommand(rest, io);
      case 'doctor':
        return await (await import('./doctor.js')).doctorCommand(rest, io);
      case 'rules':
        for (const rule of RULES) io.stdout.write(`${rule.severity.padEnd(8)} ${rule.id.padEnd(40)} ${rule.title}\n`);
        return EXIT_OK;
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(`${USAGE}\n`);
        return EXIT_OK;
      case undefined:
        io.stderr.write(`${USAGE}\n`);
        return EXIT_USAGE;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`sse-sentinel: ${error.message}\n\n${USAGE}\n`);
      return EXIT_USAGE;
    }
    if (error instanceof PolicyError || error instanceof StateFileError) {
      io.stderr.write(`sse-sentinel: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

function parseValidateArgs(args: string[]): { path: string; out?: string } {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { policy: { type: 'string' }, out: { type: 'string' } } });
  const path = values.policy ?? positionals[0] ?? 'config/policy.yaml';
  return values.out ? { path, out: values.out } : { path };
}

/** The packaged form the Lambda functions load (see src/policy/compiled.ts). */
async function writeCompiledPolicy(path: string, out: string, policy: Policy): Promise<void> {
  const compiled: CompiledPolicy = { compiledFrom: path, yaml: await readFile(path, 'utf8'), document: policy.document };
  await writeFile(out, `${JSON.stringify(compiled, null, 2)}\n`);
}

export async function run(): Promise<void> {
  const code = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin });
  process.exitCode = code;
}
