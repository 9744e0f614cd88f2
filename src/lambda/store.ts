import { DynamoDbStateStore } from '../state/dynamodb.js';
import { MemoryStateStore } from '../state/memory.js';
import type { StateStore } from '../state/store.js';

/** The deployed store is the DynamoDB table named by STATE_TABLE_NAME; without it (invoke local, tests), memory. */
export function deployedStore(env: NodeJS.ProcessEnv = process.env): StateStore {
  const tableName = env['STATE_TABLE_NAME'];
  if (!tableName || env['IS_LOCAL']) return new MemoryStateStore();
  return new DynamoDbStateStore({ tableName });
}
