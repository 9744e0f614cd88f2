import { writeFile } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import type { Finding } from '../alerts/finding.js';
import { renderFindingText, renderPostureText } from '../alerts/render-text.js';
import { readInputBatches } from '../events/reader.js';
import { formatLocation, type InputError, type InputSkip } from '../events/types.js';
import { loadPolicyFile, policyFromInput } from '../policy/load.js';
import { Pipeline } from '../pipeline.js';
import { RULE_IDS, RULES } from '../rules/index.js';
import { AlertDispatcher, type AlertSink } from '../alerts/deliver.js';
import { MemoryStateStore } from '../state/memory.js';
import { DEDUP_TTL_MS, type StateStore } from '../state/store.js';
import type { ReplayOptions } from './args.js';

export interface ReplayIo {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  stdin: Readable;
}

export interface ReplaySummary {
  records: number;
  findings: number;
  /** Remediation outcomes by kind (dry-run, skipped), with --remediate dry-run. */
  remediations: Record<string, number>;
  duplicates: number;
  invalid: number;
  skipped: number;
  bySeverity: Record<string, number>;
}

export const EXIT_OK = 0;
export const EXIT_INVALID_INPUT = 1;
export const EXIT_USAGE = 2;
export const EXIT_DELIVERY_FAILED = 4;

const PROGRESS_EVERY_MS = 250;

/** Slack and SNS sinks as the options ask; their modules (the SNS client among them) load only then. */
async function replaySinks(options: ReplayOptions): Promise<AlertSink[]> {
  const sinks: AlertSink[] = [];
  if (options.slackWebhook) sinks.push(new (await import('../alerts/slack-sink.js')).SlackSink(options.slackWebhook));
  if (options.snsTopic) {
    const [{ SNSClient }, { SNS_CLIENT_TIMEOUTS, SnsSink }, { sdkPublish }, { parseArn }] = await Promise.all([
      import('@aws-sdk/client-sns'), import('../alerts/sns.js'), import('../alerts/sns-sdk.js'), import('../correlate/arn.js'),
    ]);
    sinks.push(new SnsSink(sdkPublish(new SNSClient({ ...SNS_CLIENT_TIMEOUTS, region: parseArn(options.snsTopic)?.region || undefined })), options.snsTopic));
  }
  return sinks;
}

async function loadRemediation() {
  const [{ remediate }, { outcomeFinding, withRemediation }, { renderOutcomeText }] = await Promise.all([
    import('../remediate/remediate.js'), import('../remediate/outcome-finding.js'), import('../remediate/render-text.js'),
  ]);
  return { remediate, outcomeFinding, withRemediation, renderOutcomeText };
}

/** The local main job: every input through the same pipeline the Lambda functions run. */
export async function replay(options: ReplayOptions, io: ReplayIo): Promise<number> {
  const policy = options.policy ? await loadPolicyFile(options.policy, RULE_IDS) : policyFromInput();
  const store: StateStore = options.state ? await (await import('../state/file.js')).FileStateStore.open(options.state) : new MemoryStateStore(DEDUP_TTL_MS, { compactEventClaims: true });
  const pipeline = await Pipeline.create({
    policy,
    store,
    releaseClaimsOnFailedSave: false,
    neverSaved: !options.state,
    onRuleError: (ruleId, event, error) =>
      io.stderr.write(`error: rule ${ruleId} failed on ${formatLocation(event.location)}: ${(error as Error).message}\n`),
  });

  const sinks = await replaySinks(options);
  // loaded only for --remediate dry-run: the actions import the S3, S3 Tables and KMS clients
  const remediation = options.remediate === 'dry-run' ? await loadRemediation() : undefined;
  const dispatcher = sinks.length ? new AlertDispatcher(policy, sinks, RULES) : undefined;
  for (const warning of dispatcher?.suppressions.expired ?? []) io.stderr.write(`warning: ${warning}\n`);

  const summary: ReplaySummary = { records: 0, findings: 0, remediations: {}, duplicates: 0, invalid: 0, skipped: 0, bySeverity: {} };
  const errors: InputError[] = [];
  const skipped: InputSkip[] = [];
  const keepFindings = options.report !== undefined;
  const findings: Finding[] = [];
  const colour = options.format === 'text' && Boolean(io.stdout.isTTY) && !process.env['NO_COLOR'];
  const showProgress = options.progress && Boolean(io.stderr.isTTY);
  let lastProgress = Date.now();
  let progressShown = false;
  const clearProgress = (): void => {
    if (progressShown) io.stderr.write('\r\x1b[K');
    progressShown = false;
  };

  // records of events nothing reads (most of a log file: other services' calls) are checked and counted, not normalised
  for await (const batch of readInputBatches(options.paths, io.stdin, { reads: (event) => pipeline.reads(event) })) for (const item of batch) {
    if (item.kind === 'error') {
      summary.invalid++;
      errors.push(item.error);
      clearProgress();
      io.stderr.write(`error: ${formatLocation(item.error.location)}: ${item.error.reason}\n`);
      continue;
    }
    if (item.kind === 'skip') {
      summary.skipped++;
      skipped.push(item.skip);
      continue;
    }
    summary.records++;
    if (item.kind === 'passed') continue;
    const pending = pipeline.process(item.event);
    const outcome = pending instanceof Promise ? await pending : pending;
    if (outcome.duplicate) summary.duplicates++;
    for (const found of outcome.findings) {
      summary.findings++;
      summary.bySeverity[found.severity] = (summary.bySeverity[found.severity] ?? 0) + 1;
      // budgets count in event time, so a replayed log file meets them as the deployment would have
      const outcome = remediation ? await remediation.remediate(found, { policy, store, now: () => item.event.eventTimeMs }) : undefined;
      const finding = outcome ? remediation!.withRemediation(found, { action: outcome.actionId, mode: outcome.mode, outcome: outcome.outcome }) : found;
      const lines = [options.format === 'json' ? JSON.stringify(finding) : renderFindingText(finding, colour)];
      if (keepFindings) findings.push(finding);
      await dispatcher?.offer(finding);
      if (outcome) {
        summary.remediations[outcome.kind] = (summary.remediations[outcome.kind] ?? 0) + 1;
        const outcomeAlert = remediation!.outcomeFinding(found, outcome);
        await dispatcher?.offer(outcomeAlert);
        lines.push(options.format === 'json' ? JSON.stringify(outcomeAlert) : remediation!.renderOutcomeText(outcome));
      }
      clearProgress();
      if (!io.stdout.write(`${lines.join('\n')}\n`)) {
        await new Promise((resolve) => io.stdout.once('drain', resolve));
      }
    }
    if (showProgress && Date.now() - lastProgress > PROGRESS_EVERY_MS) {
      lastProgress = Date.now();
      progressShown = true;
      io.stderr.write(`\r\x1b[K${summary.records} records, ${summary.findings} findings, ${summary.invalid} invalid…`);
    }
  }
  clearProgress();
  await dispatcher?.flush();
  // only a state file outlives the run: saving into the in-memory store copied the whole ledger at the end (the peak
  // of a long replay's memory) for a store about to be dropped
  if (options.state) await pipeline.save();

  const posture = pipeline.ledger.keys();
  if (options.format === 'text') {
    const text = renderPostureText(posture);
    if (text) io.stdout.write(`\n${text}\n`);
  }
  if (options.report) {
    await writeFile(options.report, `${JSON.stringify({ summary, findings, errors, skipped, posture }, null, 2)}\n`);
  }
  const severities = Object.entries(summary.bySeverity).map(([severity, count]) => `${count} ${severity}`).join(', ');
  io.stderr.write(
    `${summary.records} records, ${summary.findings} findings${severities ? ` (${severities})` : ''}, ` +
      `${summary.duplicates} duplicates skipped, ${summary.skipped} non-event inputs skipped, ${summary.invalid} invalid inputs\n`,
  );
  if (options.remediate === 'dry-run') {
    const kinds = Object.entries(summary.remediations).map(([kind, count]) => `${count} ${kind}`).join(', ');
    io.stderr.write(`remediation (dry-run, offline): ${kinds || 'none planned'}\n`);
  }
  if (dispatcher) {
    const { stats } = dispatcher;
    const sent = Object.entries(stats.sent).map(([sink, n]) => `${n} to ${sink}`).join(', ') || 'none sent';
    io.stderr.write(`alerts: ${stats.alerts} from ${stats.findings - stats.suppressed} findings (${stats.suppressed} suppressed); ${sent}; ${stats.failures.length} delivery failures\n`);
    for (const failure of stats.failures) io.stderr.write(`error: ${failure.sink}: alert ${failure.alertId}: ${failure.error}\n`);
    if (stats.failures.length > 0) return EXIT_DELIVERY_FAILED;
  }
  return summary.invalid > 0 ? EXIT_INVALID_INPUT : EXIT_OK;
}
