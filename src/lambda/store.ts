import { MemoryStateStore } from '../state/memory.js';
import type { StateStore } from '../state/store.js';

/**
 * The deployed store is the DynamoDB table named by STATE_TABLE_NAME (markers and counters in MARKERS_TABLE_NAME); without it (invoke local, tests), memory. The
 * DynamoDB client is loaded only when it is used: cold starts pay for the SDK clients on their path, no more.
 */
export async function deployedStore(env: NodeJS.ProcessEnv = process.env): Promise<StateStore> {
  const tableName = env['STATE_TABLE_NAME'];
  if (!tableName || env['IS_LOCAL']) return new MemoryStateStore();
  const { DynamoDbStateStore } = await import('../state/dynamodb.js');
  const markersTableName = env['MARKERS_TABLE_NAME'];
  return new DynamoDbStateStore({ tableName, ...(markersTableName ? { markersTableName } : {}) });
}
