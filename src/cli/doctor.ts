import { parseArgs } from 'node:util';
import { EXPECTED_RULE_COUNT, HEARTBEAT_MAX_AGE_MS } from '../doctor/expected.js';
import { doctorClients, runDoctor, type DoctorClients } from '../doctor/run.js';
import { loadPolicyFile } from '../policy/load.js';
import { RULE_IDS } from '../rules/index.js';
import { DynamoDbStateStore } from '../state/dynamodb.js';
import { UsageError } from './args.js';
import { EXIT_INVALID_INPUT, EXIT_OK, type ReplayIo } from './replay.js';

/**
 * `sse-sentinel doctor`: the deployment's self-checks from a workstation (AWS credentials from the environment):
 * trail, data events, rules, functions, Slack secret, with --trail-bucket the log-file path, with --organization-id the
 * default bus's permission for the member accounts and, with --table, the heartbeat.
 * Exit 1 when a check fails.
 */
export async function doctorCommand(argv: string[], io: ReplayIo, makeClients: (config: { region?: string }) => DoctorClients = doctorClients): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        stage: { type: 'string', default: 'dev' },
        region: { type: 'string' },
        policy: { type: 'string', default: 'config/policy.yaml' },
        table: { type: 'string' },
        'markers-table': { type: 'string' },
        'no-heartbeat': { type: 'boolean', default: false },
        'trail-bucket': { type: 'string' },
        'organization-id': { type: 'string' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const policy = await loadPolicyFile(values.policy, RULE_IDS);
  const region = values.region ? { region: values.region } : {};
  const table = values['no-heartbeat'] ? undefined : values.table ?? `sse-sentinel-${values.stage}-state`;
  // heartbeats are counted in the markers table
  const markersTableName = values['markers-table'] ?? `sse-sentinel-${values.stage}-markers`;
  const results = await runDoctor(makeClients(region), {
    stage: values.stage,
    policy,
    ...(table ? { store: new DynamoDbStateStore({ tableName: table, markersTableName, clientConfig: region }) } : {}),
    slackParameter: `/sse-sentinel/${values.stage}/slack-webhook`,
    ...(values['trail-bucket'] ? { trailBucket: values['trail-bucket'] } : {}),
    ...(values['organization-id'] ? { organizationId: values['organization-id'] } : {}),
    expectedRules: EXPECTED_RULE_COUNT,
    heartbeatMaxAgeMs: HEARTBEAT_MAX_AGE_MS,
    nowMs: Date.now(),
  });
  for (const result of results) io.stdout.write(`${result.ok ? 'ok  ' : 'FAIL'} ${result.id.padEnd(13)} ${result.detail}\n`);
  const failed = results.filter((r) => !r.ok).length;
  io.stderr.write(`${results.length - failed} of ${results.length} checks passed\n`);
  return failed > 0 ? EXIT_INVALID_INPUT : EXIT_OK;
}
