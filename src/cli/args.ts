import { parseArgs } from 'node:util';

export class UsageError extends Error {}

export interface ReplayOptions {
  paths: string[];
  format: 'text' | 'json';
  policy?: string;
  state?: string;
  report?: string;
  progress: boolean;
  slackWebhook?: string;
  snsTopic?: string;
  /** off: findings only; dry-run: plan every remediation the policy's modes allow and print the calls, offline. */
  remediate: 'off' | 'dry-run';
}

export const USAGE = `Usage: sse-sentinel <command> [options]

Commands:
  replay [paths…]     Run the pipeline over event files, directories (recursively) or - (stdin).
                      Default path: events/. Reads EventBridge events, CloudTrail records, log files
                      {"Records":[…]} (.json or .json.gz), NDJSON and JSON arrays.
  inventory           Seed the ledger from AWS (ListTableBuckets, GetTableBucketEncryption, ListTables,
                      GetTableEncryption, ListBuckets, GetBucketEncryption, GetBucketPolicy, ListKeys,
                      DescribeKey, ListAliases): inventory (--state FILE | --table NAME) [--region R]
                      [--only s3tables|s3|kms]… Exit 1 when some resources could not be read.
  ledger              What a key protects, or what protects a resource, from a state file or the state table:
                      ledger (--key ID|ALIAS|ARN | --resource ARN) (--state FILE | --table NAME [--region R])
                      [--format text|json]. Exit 3 when the ledger knows nothing about it.
  doctor              Check a deployment from here: a logging multi-Region trail, data events for the buckets
                      and table buckets the policy protects, the EventBridge rules and their states, the Slack
                      secret, and the heartbeat in the markers table: doctor [--stage S] [--region R]
                      [--policy FILE] [--table NAME] [--markers-table NAME] [--no-heartbeat]. Exit 1 when
                      a check fails.
  validate [FILE]     Check a policy file (default config/policy.yaml, the deployed one): exit 0 valid, 2 not,
                      with file:line and key path for each problem; warns about expired suppressions.
                      --out FILE.json also writes the compiled form the Lambda functions load (serverless
                      package does this itself).
  rules               List the rules with their id, default severity and title.
  help                Show this text.

Replay options:
  --format text|json  text (default) for people; json prints one Finding per line.
  --policy FILE       Policy file (YAML). Without it, defaults apply (see policy.example.yaml).
  --state FILE        Keep the posture ledger and dedup markers in FILE across runs.
  --report FILE       Also write a JSON report: summary, findings, input errors, posture.
  --no-progress       Never show the progress line on stderr.
  --slack-webhook URL Also send alerts to this Slack incoming webhook (or set SLACK_WEBHOOK_URL).
  --remediate MODE    off (default) or dry-run: for findings whose rule has a remediation action and a mode of
                      dry-run or enforce in the policy, print the AWS calls the remediator would make, with
                      their input, under the finding (json: one more Finding line per outcome). Replay never
                      calls AWS to remediate: enforce runs only in the deployed remediator function.
  --sns-topic ARN     Also publish alerts to this SNS topic (AWS credentials from the environment).
                      Alerts are deduplicated and aggregated per rule and resource (policy: alerts.dedupMinutes),
                      suppressions apply, and each sink gets what its route in the policy allows.

Exit status: 0 ran (findings are not errors); 1 some inputs were invalid (the valid ones were still
processed); 2 usage, policy or state-file error; 4 some alerts could not be delivered.`;

export function parseReplayArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ReplayOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string', default: 'text' },
        policy: { type: 'string' },
        state: { type: 'string' },
        report: { type: 'string' },
        'no-progress': { type: 'boolean', default: false },
        'slack-webhook': { type: 'string' },
        'sns-topic': { type: 'string' },
        remediate: { type: 'string', default: 'off' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.format !== 'text' && values.format !== 'json') {
    throw new UsageError(`--format must be text or json, not "${values.format}"`);
  }
  if (values.remediate !== 'off' && values.remediate !== 'dry-run') {
    throw new UsageError(`--remediate must be off or dry-run, not "${values.remediate}" (enforce runs only in the deployed remediator)`);
  }
  const options: ReplayOptions = {
    paths: positionals.length > 0 ? positionals : ['events'],
    format: values.format,
    progress: !values['no-progress'],
    remediate: values.remediate,
  };
  if (values.policy) options.policy = values.policy;
  if (values.state) options.state = values.state;
  if (values.report) options.report = values.report;
  const slack = values['slack-webhook'] ?? env['SLACK_WEBHOOK_URL'];
  if (slack) {
    if (!/^https?:\/\//.test(slack)) throw new UsageError('--slack-webhook must be an http(s) URL');
    options.slackWebhook = slack;
  }
  if (values['sns-topic']) {
    if (!/^arn:[^:]+:sns:/.test(values['sns-topic'])) throw new UsageError('--sns-topic must be an SNS topic ARN');
    options.snsTopic = values['sns-topic'];
  }
  return options;
}
