import { MemoryStateStore } from '../state/memory.js';
import type { StateStore } from '../state/store.js';

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
  const accessKeyId = env['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
  const region = env['AWS_REGION'];
  if (!accessKeyId || !secretAccessKey || !region) return undefined;
  const { dynamodbEndpoint, jsonDocuments } = await import('../state/dynamodb-json.js');
  const endpoint = dynamodbEndpoint(region, env);
  if (!endpoint) return undefined;
  const sessionToken = env['AWS_SESSION_TOKEN'];
  return jsonDocuments({ region, endpoint, credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } });
}
