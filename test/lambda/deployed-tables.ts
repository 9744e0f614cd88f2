import { afterAll, beforeAll, vi } from 'vitest';
import { closeSignedPostAgents } from '../../src/util/signed-post.js';
import { startLocalDynamo, type LocalDynamo } from '../state/dynalite-server.js';

/**
 * A handler module as deployed against its state and markers tables (dynalite on loopback, reached through the signed
 * JSON calls Lambda's environment credentials select), imported afresh after the environment names them; its log lines
 * are silenced. Registers the file's beforeAll/afterAll; the getters read inside a test.
 */
export function deployedAgainstTables<H>(name: string, load: () => Promise<{ handler: H }>, options: { latencyMs?: number } = {}): { dynamo: () => LocalDynamo; handler: () => H } {
  let dynamo: LocalDynamo | undefined;
  let handler: H | undefined;
  const saved = { ...process.env };
  beforeAll(async () => {
    dynamo = await startLocalDynamo(options);
    await dynamo.createTable(`${name}-state`);
    await dynamo.createTable(`${name}-markers`);
    Object.assign(process.env, dynamo.deployedEnvironment(`${name}-state`, `${name}-markers`));
    delete process.env['ALERT_TOPIC_ARN'];
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.resetModules();
    ({ handler } = await load());
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    process.env = saved;
    closeSignedPostAgents();
    await dynamo?.close();
  });
  return {
    dynamo: () => dynamo ?? (() => { throw new Error('the tables are not up yet'); })(),
    handler: () => handler ?? (() => { throw new Error('the handler is not loaded yet'); })(),
  };
}
