import { parseArgs } from 'node:util';
import { INVENTORY_SERVICES, inventoryClients, runInventory, type InventoryService } from '../inventory/run.js';
import { UsageError } from './args.js';
import { EXIT_INVALID_INPUT, EXIT_OK, type ReplayIo } from './replay.js';
import { clientConfig, openStateStore } from './store-option.js';

/** `sse-sentinel inventory`: seed the ledger from AWS (needs credentials with the read-only actions in the README). */
export async function inventoryCommand(argv: string[], io: ReplayIo, makeClients = inventoryClients): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        state: { type: 'string' },
        table: { type: 'string' },
        region: { type: 'string' },
        endpoint: { type: 'string' },
        only: { type: 'string', multiple: true },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const services = (values.only ?? [...INVENTORY_SERVICES]) as InventoryService[];
  const unknown = services.filter((s) => !INVENTORY_SERVICES.includes(s));
  if (unknown.length) throw new UsageError(`--only takes ${INVENTORY_SERVICES.join(', ')}, not ${unknown.join(', ')}`);
  const store = await openStateStore('inventory', values);
  const config = clientConfig(values);
  const report = await runInventory(makeClients(services, config), store);
  for (const error of report.errors) io.stderr.write(`error: ${error.resource}: ${error.operation}: ${error.error}\n`);
  io.stdout.write(`${report.tableBuckets} table buckets, ${report.tables} tables, ${report.buckets} buckets, ${report.keys} keys, ${report.aliases} aliases; ${report.errors.length} errors\n`);
  return report.errors.length > 0 ? EXIT_INVALID_INPUT : EXIT_OK;
}
