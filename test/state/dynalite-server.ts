import { afterAll, beforeAll } from 'vitest';
import { startLocalDynamo, type LocalDynamo } from './local-dynamo.js';

// the server itself lives in local-dynamo.ts (no vitest import): the bench starts one too
export { startLocalDynamo, type LocalDynamo };

/** One server for a test file: started before its tests, closed after; the getter reads it inside a test. */
export function localDynamoPerFile(): () => LocalDynamo {
  let dynamo: LocalDynamo | undefined;
  beforeAll(async () => {
    dynamo = await startLocalDynamo();
  });
  afterAll(async () => {
    await dynamo?.close();
  });
  return () => {
    if (!dynamo) throw new Error('the local DynamoDB server is not started yet');
    return dynamo;
  };
}
