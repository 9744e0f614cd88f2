import { parseArgs } from 'node:util';
import { describeKey, describeResource, findKeys } from '../correlate/ledger-query.js';
import { Ledger } from '../correlate/ledger.js';
import { UsageError } from './args.js';
import { EXIT_OK, type ReplayIo } from './replay.js';
import { openStateStore } from './store-option.js';

/** Exit status when the key or resource is not in the ledger. */
export const EXIT_NOT_FOUND = 3;

export async function ledgerCommand(argv: string[], io: ReplayIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        key: { type: 'string' },
        resource: { type: 'string' },
        state: { type: 'string' },
        table: { type: 'string' },
        region: { type: 'string' },
        endpoint: { type: 'string' },
        format: { type: 'string', default: 'text' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (!values.key === !values.resource) throw new UsageError('ledger needs exactly one of --key or --resource');
  if (values.format !== 'text' && values.format !== 'json') throw new UsageError('--format must be text or json');
  const store = await openStateStore('ledger', values);
  const ledger = new Ledger();
  ledger.load(await store.loadEntries());

  const reports = values.key
    ? findKeys(ledger, values.key).map((keyArn) => describeKey(ledger, keyArn))
    : [describeResource(ledger, values.resource!)].filter((r) => r !== undefined);
  if (reports.length === 0) {
    io.stderr.write(`sse-sentinel: the ledger knows nothing about ${values.key ?? values.resource}\n`);
    return EXIT_NOT_FOUND;
  }
  io.stdout.write(values.format === 'json' ? `${JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2)}\n` : `${reports.map((r) => renderText(r)).join('\n\n')}\n`);
  return EXIT_OK;
}

function renderText(report: object, indent = ''): string {
  const lines: string[] = [];
  for (const [field, value] of Object.entries(report)) {
    if (Array.isArray(value)) {
      lines.push(`${indent}${field}: ${value.length === 0 ? '(none)' : ''}`);
      for (const item of value) lines.push(`${indent}  - ${String(item)}`);
    } else if (value && typeof value === 'object') {
      const inner = renderText(value, `${indent}  `);
      lines.push(inner ? `${indent}${field}:` : `${indent}${field}: (none)`, inner);
    } else {
      lines.push(`${indent}${field}: ${String(value)}`);
    }
  }
  return lines.filter((l) => l.length > 0).join('\n');
}
