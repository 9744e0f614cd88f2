import type { Context, ScheduledEvent } from 'aws-lambda';
import { INVENTORY_SERVICES, inventoryClients, runInventory } from '../src/inventory/run.js';
import type { SweepReport } from '../src/inventory/sweep.js';
import { deployedStore } from '../src/lambda/store.js';

const storeReady = deployedStore();

/** Scheduled: re-reads the posture from AWS so the ledger stays right even when events were missed (best-effort delivery). */
export async function handler(_event: ScheduledEvent, context?: Context): Promise<SweepReport> {
  const report = await runInventory(inventoryClients(INVENTORY_SERVICES), await storeReady);
  console.log(JSON.stringify({ level: report.errors.length ? 'WARN' : 'INFO', message: 'inventory', requestId: context?.awsRequestId, ...report }));
  return report;
}
