import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { S3TablesClient } from '@aws-sdk/client-s3tables';
import { Ledger } from '../correlate/ledger.js';
import type { StateStore } from '../state/store.js';
import { InventorySweep, type SweepClients, type SweepReport } from './sweep.js';

export type InventoryService = 's3tables' | 's3' | 'kms';
export const INVENTORY_SERVICES: readonly InventoryService[] = ['s3tables', 's3', 'kms'];

export function inventoryClients(services: readonly InventoryService[], config: { region?: string; endpoint?: string } = {}): SweepClients {
  const common = { ...(config.region ? { region: config.region } : {}), ...(config.endpoint ? { endpoint: config.endpoint } : {}) };
  const clients: SweepClients = {};
  if (services.includes('s3tables')) clients.s3tables = new S3TablesClient(common);
  // buckets live in many Regions: follow S3's redirects to each bucket's Region
  if (services.includes('s3')) clients.s3 = new S3Client({ ...common, followRegionRedirects: true });
  if (services.includes('kms')) clients.kms = new KMSClient(common);
  return clients;
}

/** Sweeps into a fresh ledger and saves it: the store merges it with what events already taught it. */
export async function runInventory(clients: SweepClients, store: StateStore, nowMs = Date.now()): Promise<SweepReport> {
  const ledger = new Ledger();
  const report = await new InventorySweep(clients, ledger, { nowMs }).run();
  await store.saveEntries(ledger.takeDirty());
  await store.flush();
  return report;
}
