import { startLocalDynamo, type LocalDynamo } from '../test/state/local-dynamo.js';

const DEPLOYED_ENV = ['STATE_TABLE_NAME', 'MARKERS_TABLE_NAME', 'AWS_ENDPOINT_URL_DYNAMODB', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'ALERT_TOPIC_ARN'];

/**
 * Runs `measure` with the environment a deployed function sees: its state table `name` and markers table
 * `name-markers` on a loopback dynalite (reached through the signed JSON calls environment credentials select), no
 * alert topic. The environment is restored and the server closed afterwards.
 */
export async function withDeployedTables<T>(name: string, measure: (dynamo: LocalDynamo) => Promise<T>): Promise<T> {
  const dynamo = await startLocalDynamo();
  const saved = Object.fromEntries(DEPLOYED_ENV.map((key) => [key, process.env[key]]));
  Object.assign(process.env, { STATE_TABLE_NAME: name, MARKERS_TABLE_NAME: `${name}-markers`, AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench' });
  delete process.env['ALERT_TOPIC_ARN'];
  try {
    await dynamo.createTable(name);
    await dynamo.createTable(`${name}-markers`);
    return await measure(dynamo);
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await dynamo.close();
  }
}
