import { MemoryStateStore } from '../state/memory.js';
import type { StateStore } from '../state/store.js';
import { environmentCredentials } from './environment-credentials.js';

/**
 * The deployed store is the DynamoDB table named by STATE_TABLE_NAME (markers and counters in MARKERS_TABLE_NAME); without it (invoke local, tests), memory.
 * Lambda puts the function's credentials in the environment: the store then makes signed JSON calls (~5 ms on a cold
 * start instead of ~28 ms to load and build the SDK client). Any other credential source or endpoint uses the SDK client,
 * loaded only then.
 */
export async function deployedStore(env: NodeJS.ProcessEnv = process.env): Promise<StateStore> {
  const tableName = env['STATE_TABLE_NAME'];
  if (!tableName || env['IS_LOCAL']) return new MemoryStateStore();
  const markersTableName = env['MARKERS_TABLE_NAME'];
  const [{ DynamoDbStateStore }, documents] = await Promise.all([import('../state/dynamodb.js'), environmentDocuments(env)]);
  return new DynamoDbStateStore({ tableName, ...(markersTableName ? { markersTableName } : {}), ...(documents ? { documents } : {}) });
}

async function environmentDocuments(env: NodeJS.ProcessEnv) {
  const credentials = environmentCredentials(env);
  const region = env['AWS_REGION'];
  if (!credentials || !region) return undefined;
  const { dynamodbEndpoint, jsonDocuments } = await import('../state/dynamodb-json.js');
  const endpoint = dynamodbEndpoint(region, env);
  return endpoint ? jsonDocuments({ region, endpoint, credentials }) : undefined;
}
