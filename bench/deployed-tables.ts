import { startLocalDynamo, type LocalDynamo } from '../test/state/local-dynamo.js';


/**
 * Runs `measure` with the environment a deployed function sees: its state table `name` and markers table
 * `name-markers` on a loopback dynalite (reached through the signed JSON calls environment credentials select), no
 * alert topic. The environment is restored and the server closed afterwards.
 */
export async function withDeployedTables<T>(name: string, measure: (dynamo: LocalDynamo) => Promise<T>): Promise<T> {
  const dynamo = await startLocalDynamo();
  const deployed = dynamo.deployedEnvironment(name, `${name}-markers`);
  const saved = Object.fromEntries([...Object.keys(deployed), 'ALERT_TOPIC_ARN'].map((key) => [key, process.env[key]]));
  Object.assign(process.env, deployed);
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
