import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetBucketEncryptionCommand, GetBucketNotificationConfigurationCommand, GetBucketPolicyCommand, GetObjectCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeKeyCommand, KMSClient, ListAliasesCommand, ListKeysCommand } from '@aws-sdk/client-kms';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { CloudTrailClient, DescribeTrailsCommand, GetEventSelectorsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { DescribeEventBusCommand, EventBridgeClient, ListRulesCommand } from '@aws-sdk/client-eventbridge';
import { GetFunctionConcurrencyCommand, GetFunctionEventInvokeConfigCommand, LambdaClient, ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ListTableBucketsCommand, S3TablesClient } from '@aws-sdk/client-s3tables';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { Ledger, LEDGER_TRIGGERS, type BucketEntry } from '../../src/correlate/ledger.js';
import { DynamoDbStateStore } from '../../src/state/dynamodb.js';
import { closeSignedPostAgents } from '../../src/util/signed-post.js';
import { matchesPattern, type Pattern } from '../../src/deploy/event-pattern.js';
import { isKmsNativeEvent, isReadOnlyManagementEvent, isServiceEvent } from '../../src/events/catalog.js';
import { RULES } from '../../src/rules/index.js';
import { RULE_DOCS } from '../../src/rules/docs.js';
import { REMEDIABLE_RULE_IDS, REMEDIATION_PERMISSIONS } from '../../src/remediate/catalog.js';
import { memberTemplate } from '../../src/deploy/member-template.js';
import { DEPLOYED_FUNCTIONS, EXPECTED_RULE_COUNT } from '../../src/doctor/expected.js';
import { METRIC_NAMES } from '../../src/doctor/metrics.js';
import { collect, EVENTS, ROOT } from '../helpers.js';
import { checkTemplate } from './cloudformation-spec.js';
import { checkIamStatements } from './iam-reference.js';
import { TemplateArns } from './template-arns.js';
import { allows, arnOfCall } from './call-arns.js';
import { startLocalDynamo } from '../state/dynalite-server.js';

interface CfnResource { Type: string; Properties: Record<string, any> }
let resources: Record<string, CfnResource>;
let outputDir: string;

beforeAll(async () => {
  outputDir = await mkdtemp(join(tmpdir(), 'sse-sentinel-package-'));
  const result = spawnSync(join(ROOT, 'node_modules/.bin/serverless'), ['package', '--package', outputDir, '--stage', 'test', '--param=trailBucket=test-trail-logs'], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: 'true', SLS_TELEMETRY_DISABLED: '1', AWS_SDK_LOAD_CONFIG: '0' }, timeout: 180_000,
  });
  if (result.status !== 0) throw new Error(`serverless package failed:\n${result.stdout}\n${result.stderr}`);
  const template = JSON.parse(await readFile(join(outputDir, 'cloudformation-template-update-stack.json'), 'utf8'));
  resources = template.Resources;
});

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
/** Event-pattern rules (the inventory schedule has no pattern and is checked on its own). */
const rules = () => ofType('AWS::Events::Rule').filter(([, r]) => r.Properties.EventPattern).map(([id, r]) => ({ id, state: r.Properties.State ?? 'ENABLED', pattern: r.Properties.EventPattern as Pattern, targets: r.Properties.Targets as any[] }));

/** Read-only events reach only rules in this state (EventBridge user guide). */
function deliverable(rule: ReturnType<typeof rules>[number], event: { detail?: { readOnly?: boolean } }): boolean {
  const readOnly = event.detail?.readOnly === true;
  return rule.state === 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS' || (rule.state === 'ENABLED' && !readOnly);
}

/** The API calls that switch an EventBridge rule off, as CloudTrail records them, on the rule named `name`. */
function ruleSwitchedOff(name: string): Record<string, any>[] {
  return ([['DisableRule', 'name'], ['DeleteRule', 'name'], ['PutRule', 'name'], ['RemoveTargets', 'rule']] as const).map(([eventName, field]) => ({
    source: 'aws.events', 'detail-type': 'AWS API Call via CloudTrail', detail: { eventSource: 'events.amazonaws.com', eventName, readOnly: false, requestParameters: { [field]: name } },
  }));
}

describe('serverless package', () => {
  it('builds one zip per function, with the compiled policy, as ES modules for nodejs22.x on arm64', () => {
    for (const name of ['processor', 'usage', 'logfile', 'remediator', 'inventory']) {
      const fn = resources[`${name[0]!.toUpperCase()}${name.slice(1)}LambdaFunction`]!;
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.Handler).toBe(`handlers/${name}.handler`);
      const zip = spawnSync('unzip', ['-l', join(outputDir, `${name}.zip`)], { encoding: 'utf8' }).stdout;
      for (const file of [`handlers/${name}.js`, 'handlers/package.json', 'config/policy.yaml', 'config/policy.compiled.json']) expect(zip, name).toContain(file);
    }
  });

  it('writes templates CloudFormation\'s resource specification accepts, with IAM statements of real actions on the resource types they take', async () => {
    for (const file of ['cloudformation-template-create-stack.json', 'cloudformation-template-update-stack.json']) {
      const template = JSON.parse(await readFile(join(outputDir, file), 'utf8'));
      expect(await checkTemplate(template), file).toEqual([]);
    }
    // IAM takes a misspelt action, condition key or an ARN of the wrong type without a word: the function would meet AccessDenied
    expect(await checkIamStatements({ Resources: resources })).toEqual([]);
    // the template is uploaded to S3 by serverless deploy: CloudFormation's limits are 1 MB and 500 resources
    expect((await stat(join(outputDir, 'cloudformation-template-update-stack.json'))).size).toBeLessThan(1024 * 1024);
    expect(Object.keys(resources).length).toBeLessThanOrEqual(500);
  });

  it('gives the deployment a dashboard of what it emits: every metric of its own, each function and queue, the rules', () => {
    const body = JSON.parse((resources['Dashboard']!.Properties.DashboardBody['Fn::Sub'] as string).replaceAll('${AWS::Region}', 'us-east-1'));
    const metrics = (body.widgets as { properties: { metrics: unknown[][]; region: string } }[]).flatMap((w) => w.properties.metrics);
    const series = metrics.filter((m): m is string[] => typeof m[0] === 'string');
    const named = (namespace: string, dimension: string) => new Set(series.filter((m) => m[0] === namespace && m[2] === dimension).map((m) => m[3]));
    const own = series.filter((m) => m[0] === 'SseSentinel');
    // what the functions emit (METRIC_NAMES) and nothing else, for this stage
    expect(new Set(own.map((m) => m[1]))).toEqual(new Set(METRIC_NAMES));
    expect(new Set(own.map((m) => m[3]))).toEqual(new Set(['test']));
    expect(named('AWS/Lambda', 'FunctionName')).toEqual(new Set(ofType('AWS::Lambda::Function').map(([, r]) => r.Properties.FunctionName)));
    const queues = new Set(ofType('AWS::SQS::Queue').map(([, r]) => r.Properties.QueueName));
    expect([...named('AWS/SQS', 'QueueName')].filter((q) => !queues.has(q))).toEqual([]);
    expect(JSON.stringify(metrics.filter((m) => typeof m[0] !== 'string'))).toContain('RuleName=sse-sentinel-test');
    // alarms watch only metrics the functions emit
    for (const [id, alarm] of ofType('AWS::CloudWatch::Alarm').filter(([, r]) => r.Properties.Namespace === 'SseSentinel')) expect(METRIC_NAMES, id).toContain(alarm.Properties.MetricName);
    // what PutDashboard accepts (CloudWatch API reference, dashboard body structure): a 24-column grid, 1-100 metrics a
    // graph, periods in whole minutes, expression ids starting with a lower-case letter
    for (const { x, width, height, properties } of body.widgets as { x: number; width: number; height: number; properties: { metrics: unknown[][]; period: number; region: string } }[]) {
      expect(x + width).toBeLessThanOrEqual(24);
      expect(height).toBeGreaterThanOrEqual(1);
      expect(properties.metrics.length).toBeGreaterThanOrEqual(1);
      expect(properties.metrics.length).toBeLessThanOrEqual(100);
      expect(properties.period % 60).toBe(0);
      expect(properties.region).toBe('us-east-1');
      for (const [first] of properties.metrics.filter((m) => typeof m[0] !== 'string')) expect((first as { id: string }).id).toMatch(/^[a-z][A-Za-z0-9_]*$/);
    }
  });

  it('stays within EventBridge\'s quotas: event patterns of at most 2,048 characters, at most 5 targets a rule', async () => {
    const member = JSON.parse(await readFile(join(ROOT, 'deploy', 'member-account.json'), 'utf8')) as { Resources: Record<string, CfnResource> };
    const all = [...ofType('AWS::Events::Rule'), ...Object.entries(member.Resources).filter(([, r]) => r.Type === 'AWS::Events::Rule')];
    const overs = all.flatMap(([id, r]) => [
      ...(r.Properties.EventPattern && JSON.stringify(r.Properties.EventPattern).length > 2048 ? [`${id}: pattern of ${JSON.stringify(r.Properties.EventPattern).length} characters`] : []),
      ...((r.Properties.Targets ?? []).length > 5 ? [`${id}: ${r.Properties.Targets.length} targets`] : []),
    ]);
    expect(overs).toEqual([]);
    expect(all.length).toBeLessThanOrEqual(300);
  });

  it('keeps each cold start small: one file loaded at start within budget, every dynamic import a lazy module in the zip', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sse-sentinel-unzip-'));
    /** The entry module and every module it imports statically: what Lambda loads before the first event. */
    const startSet = async (handlers: string, entry: string): Promise<{ files: string[]; text: string; kb: number; lazy: string[] }> => {
      const seen = new Map<string, string>();
      const lazy = new Set<string>();
      const visit = async (file: string): Promise<void> => {
        if (seen.has(file)) return;
        const text = await readFile(join(handlers, file), 'utf8');
        seen.set(file, text);
        for (const match of text.matchAll(/(?:^|[;}])\s*import\s*(?:[^'"()]*?from\s*)?["'](\.\/[^"']+)["']/g)) await visit(join(file, '..', match[1]!));
        for (const match of text.matchAll(/\bimport\(\s*["'](\.\/[^"']+)["']\s*\)/g)) lazy.add(join(file, '..', match[1]!));
      };
      await visit(entry);
      const text = [...seen.values()].join('\n');
      return { files: [...seen.keys()], text, kb: Buffer.byteLength(text) / 1024, lazy: [...lazy] };
    };
    // KB of minified code loaded at start (measured 2026-11-27: processor 117, usage 113; before the rules' docs left the
    // bundles: processor 123, usage 120; logfile 467 and inventory 413 with
    // their S3/KMS clients, remediator 698 with the clients of every action)
    const budgets: Record<string, number> = { processor: 150, usage: 150, logfile: 560, remediator: 820, inventory: 500 };
    for (const [name, budget] of Object.entries(budgets)) {
      spawnSync('unzip', ['-q', '-o', join(outputDir, `${name}.zip`), '-d', join(dir, name)]);
      const handlers = join(dir, name, 'handlers');
      const loaded = await startSet(handlers, `${name}.js`);
      expect(loaded.kb, `${name}: KB loaded at start`).toBeLessThan(budget);
      // the rules' docs (descriptions, references, fixtures) stay out: no alert reads them
      const docs = Object.values(RULE_DOCS).flatMap((d) => [...d.fixtures.positive, ...d.fixtures.negative]);
      expect(docs.filter((fixture) => loaded.text.includes(fixture)), name).toEqual([]);
      expect(loaded.text, name).not.toContain('Bulk decryption is what exfiltration of encrypted data looks like');
      // measured 2026-11: 1.3–2.4 MB (each zip carries its own function's lazy modules only, each module self-contained)
      expect((await stat(join(outputDir, `${name}.zip`))).size / 2 ** 20, `${name} zip MB`).toBeLessThan(4);
      const listing = spawnSync('unzip', ['-Z1', join(outputDir, `${name}.zip`)], { encoding: 'utf8' }).stdout.split('\n');
      expect(listing.filter((file) => file.startsWith('handlers/lazy/') && !file.startsWith(`handlers/lazy/${name}/`)), name).toEqual([]);
      // one file for Node's module loader to resolve, read and compile (scripts/esbuild-lazy-modules.cjs)
      expect(loaded.files, name).toEqual([`${name}.js`]);
      // every lazily loaded module is in this function's zip, in its own directory
      expect(loaded.lazy.length, name).toBeGreaterThan(0);
      for (const file of loaded.lazy) {
        expect(file.startsWith(`lazy/${name}/`), file).toBe(true);
        // self-contained: a lazy path (an alert, the state table) reads one file, not a web of shared chunks
        expect((await startSet(handlers, file)).files, `${name}: ${file}`).toEqual([file]);
      }
      // the processor's and usage function's event path reaches no SDK client, zod or YAML through static imports
      if (name === 'processor' || name === 'usage') {
        // names survive minification (keepNames): a statically imported client or zod would show here
        expect(loaded.text, name).not.toMatch(/"(SNSClient|DynamoDBClient|SSMClient|SQSClient|ZodError|LineCounter)"/);
        // lazy modules and the lazy modules they import in turn: the SDK's DynamoDB client is there, for a store that
        // does not run on Lambda's environment credentials; the signed JSON transport Lambda uses carries no SDK client
        const reachable = new Map<string, string>();
        for (const pending = [...loaded.lazy]; pending.length > 0;) {
          const file = pending.pop()!;
          if (reachable.has(file)) continue;
          const { text, lazy } = await startSet(handlers, file);
          reachable.set(file, text);
          pending.push(...lazy);
        }
        expect([...reachable.values()].some((text) => text.includes('"DynamoDBClient"')), name).toBe(true);
        const json = [...reachable.values()].filter((text) => text.includes('sse-sentinel dynamodb-json'));
        expect(json, name).toHaveLength(1);
        expect(json[0], name).not.toMatch(/"(DynamoDBClient|DynamoDBDocumentClient)"/);
        // a first alert on Lambda's credentials loads one module: the signed Query publisher carries the SNS sink too
        const query = [...loaded.lazy].filter((file) => reachable.get(file)?.includes('sse-sentinel sns-query'));
        expect(query, name).toHaveLength(1);
        expect(reachable.get(query[0]!), name).toContain('"SnsSink"');
        expect(reachable.get(query[0]!), name).not.toMatch(/"SNSClient"/);
      }
    }
  });

  it('falls back to the YAML policy in the bundle when the compiled one is missing (yaml\'s require() of Node built-ins)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sse-sentinel-yaml-'));
    spawnSync('unzip', ['-q', '-o', join(outputDir, 'processor.zip'), '-d', dir]);
    await rm(join(dir, 'config', 'policy.compiled.json'));
    await writeFile(join(dir, 'run.mjs'), `const { handler } = await import('./handlers/processor.js');
const event = JSON.parse(process.argv[2]);
const result = await handler(event);
process.stderr.write('RESULT ' + JSON.stringify(result.findings.map((f) => f.ruleId)) + '\\n');`);
    const event = await readFile(join(EVENTS, 'kms', 'DisableKey.json'), 'utf8');
    const run = spawnSync(process.execPath, ['run.mjs', event], { cwd: dir, encoding: 'utf8', env: { PATH: process.env['PATH'], AWS_REGION: 'us-east-1', LAMBDA_TASK_ROOT: dir } });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain('RESULT ["kms.key-disabled"]');
  });

  it('runs the packaged processor through its lazy modules: state in DynamoDB and a signed alert, both on loopback', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sse-sentinel-lazy-'));
    spawnSync('unzip', ['-q', '-o', join(outputDir, 'processor.zip'), '-d', dir]);
    await writeFile(join(dir, 'run.mjs'), `const { handler } = await import('./handlers/processor.js');
const result = await handler(JSON.parse(process.argv[2]));
process.stderr.write('RESULT ' + JSON.stringify(result.findings.map((f) => f.ruleId)) + '\\n');`);
    const dynamo = await startLocalDynamo();
    const published: { authorization: string; body: string }[] = [];
    const sns = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        published.push({ authorization: String(req.headers.authorization), body });
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end('<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>');
      });
    });
    await new Promise<void>((resolve) => sns.listen(0, '127.0.0.1', () => resolve()));
    try {
      await dynamo.createTable('state');
      await dynamo.createTable('markers');
      const event = await readFile(join(EVENTS, 'kms', 'DisableKey.json'), 'utf8');
      const env = {
        PATH: process.env['PATH'], AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', LAMBDA_TASK_ROOT: dir,
        STATE_TABLE_NAME: 'state', MARKERS_TABLE_NAME: 'markers', AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
        ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:alerts', AWS_ENDPOINT_URL_SNS: `http://127.0.0.1:${(sns.address() as AddressInfo).port}`,
      };
      const run = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['run.mjs', event], { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (chunk) => (stderr += chunk));
        child.on('close', (code) => resolve({ code, stderr }));
      });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain('RESULT ["kms.key-disabled"]');
      expect(published).toHaveLength(1);
      expect(published[0]!.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=test\/\d{8}\/us-east-1\/sns\/aws4_request/);
      expect(new URLSearchParams(published[0]!.body).get('Action')).toBe('Publish');
      // the event's claim went to the markers table, what the ledger learnt to the state table
      const { ScanCommand } = await import('@aws-sdk/client-dynamodb');
      expect((await dynamo.client.send(new ScanCommand({ TableName: 'markers' }))).Count).toBeGreaterThan(0);
      expect((await dynamo.client.send(new ScanCommand({ TableName: 'state' }))).Count).toBeGreaterThan(0);
    } finally {
      sns.close();
      await dynamo.close();
    }
  });

  it('deploys the functions the doctor checks, each invoked as it expects: asynchronously with an on-failure destination, or by a queue', () => {
    const functions = ofType('AWS::Lambda::Function').map(([id, r]) => ({ id, name: r.Properties.FunctionName as string }));
    expect(functions.map((f) => f.name).sort()).toEqual(Object.keys(DEPLOYED_FUNCTIONS).map((name) => `sse-sentinel-test-${name}`).sort());
    const mapped = new Set(ofType('AWS::Lambda::EventSourceMapping').map(([, r]) => (r.Properties.FunctionName as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]));
    const onFailure = new Set(ofType('AWS::Lambda::EventInvokeConfig').filter(([, r]) => r.Properties.DestinationConfig?.OnFailure?.Destination).map(([, r]) => JSON.stringify(r.Properties.FunctionName)));
    for (const { id, name } of functions) {
      const kind = DEPLOYED_FUNCTIONS[name.replace('sse-sentinel-test-', '')];
      expect(mapped.has(id), name).toBe(kind === 'queue');
      if (kind === 'async') expect(onFailure.has(JSON.stringify({ Ref: id })), name).toBe(true);
    }
  });

  it('reserves concurrency for every function, within what an account at the default limit can reserve (README Deployment)', () => {
    // no function competes for the unreserved pool (the detector cannot be starved), and none can take it
    const reserved = Object.fromEntries(ofType('AWS::Lambda::Function').map(([id, r]) => [id, r.Properties.ReservedConcurrentExecutions]));
    for (const [id, value] of Object.entries(reserved)) expect(value, id).toBeGreaterThanOrEqual(1);
    expect(reserved['ProcessorLambdaFunction']).toBe(20);
    // the figure the README gives: an account keeps 100 unreserved, so it needs a limit of 100 + this
    expect(Object.values(reserved).reduce((a, b) => a + b, 0)).toBe(39);
  });

  it('feeds successful data-key calls to the usage function through SQS, with partial batch failures and a redrive to the DLQ', () => {
    const mapping = ofType('AWS::Lambda::EventSourceMapping')[0]![1].Properties;
    expect(mapping.FunctionName).toEqual({ 'Fn::GetAtt': ['UsageLambdaFunction', 'Arn'] });
    expect(mapping.EventSourceArn).toEqual({ 'Fn::GetAtt': ['UsageQueue', 'Arn'] });
    expect(mapping.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(resources['UsageQueue']!.Properties.RedrivePolicy.deadLetterTargetArn).toEqual({ 'Fn::GetAtt': ['FailedEventsQueue', 'Arn'] });
    expect(resources['UsageLambdaFunction']!.Properties.ReservedConcurrentExecutions).toBe(10);
    // a batch still being handled must not become visible again: six function timeouts plus the batching window
    expect(resources['UsageQueue']!.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * resources['UsageLambdaFunction']!.Properties.Timeout + mapping.MaximumBatchingWindowInSeconds);
    const usageRule = rules().find((r) => r.id === 'UsageEventsRule')!;
    expect(usageRule.state).toBe('ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS');
    expect(usageRule.targets[0].Arn).toEqual({ 'Fn::GetAtt': ['UsageQueue', 'Arn'] });
  });

  it('delivers every sample event a rule or the ledger reads, respecting the read-only rule state', async () => {
    const items = await collect([EVENTS]);
    const raw = await Promise.all(items.flatMap((item) => (item.kind === 'event' && item.event.detailType ? [item.event] : [])).map(async (event) => {
      const value = JSON.parse(await readFile(event.location.source, 'utf8'));
      return Array.isArray(value) ? value[event.location.index ?? 0] : value;
    }));
    const triggers = [...RULES.flatMap((r) => r.triggers), ...LEDGER_TRIGGERS] as { eventSource: string; eventNames: readonly string[]; detailFilter?: Pattern }[];
    let checked = 0;
    for (const envelope of raw) {
      const wanted = triggers.some((t) => t.eventSource === envelope.detail.eventSource && t.eventNames.includes(envelope.detail.eventName) && (!t.detailFilter || matchesPattern(t.detailFilter, envelope.detail)));
      if (!wanted) continue;
      const matched = rules().filter((rule) => matchesPattern(rule.pattern, envelope) && deliverable(rule, envelope));
      expect(matched.length, `${envelope.detail.eventName} (${envelope.id})`).toBeGreaterThan(0);
      checked++;
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('sends data-key calls (successful or denied) and object writes that name their encryption only to the usage queue, and keeps writes that take the bucket default out', async () => {
    const [ok, plainWrite, copy, denied] = await Promise.all(['kms/GenerateDataKey.s3tables-maintenance-ok.json', 's3/PutObject.bucket-default.json', 's3/CopyObject.foreign-kms-key.json', 'kms/GenerateDataKey.s3tables-maintenance-denied.json']
      .map(async (f) => JSON.parse(await readFile(join(EVENTS, f), 'utf8'))));
    const targetsOf = (envelope: unknown) => rules().filter((rule) => matchesPattern(rule.pattern, envelope) && deliverable(rule, envelope as never)).flatMap((rule) => rule.targets.map((t) => t.Arn));
    // high-volume data events are judged in batches by a function of bounded concurrency, never one processor invocation each
    expect(targetsOf(ok)).toEqual([{ 'Fn::GetAtt': ['UsageQueue', 'Arn'] }]);
    expect(targetsOf(copy)).toEqual([{ 'Fn::GetAtt': ['UsageQueue', 'Arn'] }]);
    // a denied application retrying makes failed calls by the thousand
    expect(targetsOf(denied)).toEqual([{ 'Fn::GetAtt': ['UsageQueue', 'Arn'] }]);
    expect(targetsOf(plainWrite)).toEqual([]);
    // and the queue takes messages from those two rules only
    expect(resources['UsageQueuePolicy']!.Properties.PolicyDocument.Statement[0].Condition).toEqual({ ArnEquals: { 'aws:SourceArn': [{ 'Fn::GetAtt': ['UsageEventsRule', 'Arn'] }, { 'Fn::GetAtt': ['ObjectWritesRule', 'Arn'] }] } });
  });

  it('routes no remediable rule\'s events to the usage queue (the usage function hands no finding to the remediator)', () => {
    const toUsage = rules().filter((rule) => rule.targets.some((t) => JSON.stringify(t.Arn).includes('UsageQueue')));
    const remediable = RULES.filter((rule) => REMEDIABLE_RULE_IDS.has(rule.id));
    const reaching = remediable.filter((rule) => rule.triggers.some((trigger) => trigger.eventNames.some((eventName) =>
      toUsage.some((queueRule) => matchesPattern(queueRule.pattern, { source: `aws.${trigger.eventSource.split('.')[0]}`, 'detail-type': 'AWS API Call via CloudTrail', detail: { eventSource: trigger.eventSource, eventName, requestParameters: { 'x-amz-server-side-encryption': 'aws:kms' } } })))));
    expect(reaching.map((rule) => rule.id)).toEqual([]);
    expect(remediable.length).toBeGreaterThan(5);
  });

  it('covers every (eventSource, eventName) the rules and the ledger read, with the right detail-type and rule state', () => {
    for (const trigger of [...RULES.flatMap((r) => r.triggers), ...LEDGER_TRIGGERS] as { eventSource: string; eventNames: readonly string[]; detailFilter?: Pattern }[]) {
      if (trigger.detailFilter) continue; // filtered triggers are covered by their fixtures above
      for (const eventName of trigger.eventNames) {
        const source = `aws.${trigger.eventSource.split('.')[0]}`;
        const envelope = isKmsNativeEvent(trigger.eventSource, eventName)
          ? { source, 'detail-type': eventName, detail: { 'key-id': 'k' } }
          : {
            source,
            'detail-type': isServiceEvent(trigger.eventSource, eventName) ? 'AWS Service Event via CloudTrail' : 'AWS API Call via CloudTrail',
            detail: { eventSource: trigger.eventSource, eventName, readOnly: isReadOnlyManagementEvent(trigger.eventSource, eventName) },
          };
        expect(rules().some((rule) => matchesPattern(rule.pattern, envelope) && deliverable(rule, envelope)), `${trigger.eventSource} ${eventName}`).toBe(true);
      }
    }
  });

  it('sees each of its rules switched off through another rule: a rule is off before its own DisableRule arrives', () => {
    const toProcessor = rules().filter((rule) => rule.targets.some((t) => JSON.stringify(t.Arn).includes('ProcessorLambdaFunction')));
    const all = ofType('AWS::Events::Rule');
    expect(all.length).toBe(EXPECTED_RULE_COUNT);
    for (const [id, rule] of all) {
      // the name serverless gives, or CloudFormation's for a rule without one: <stack>-<logical id>-<suffix>
      const name = (rule.Properties.Name as string | undefined) ?? `sse-sentinel-test-${id}-1A2B3C4D5E6F7`;
      for (const event of ruleSwitchedOff(name)) {
        const watchers = toProcessor.filter((other) => other.id !== id && matchesPattern(other.pattern, event) && deliverable(other, event));
        expect(watchers.length, `${event.detail.eventName} ${name}`).toBeGreaterThan(0);
      }
    }
  });

  it('receives changes to its own functions, rules, topic, queues, tables and alarms only (by name), and every event source mapping change (named by UUID)', () => {
    const lambdaCall = (eventName: string, requestParameters: Record<string, unknown>) => ({ source: 'aws.lambda', 'detail-type': 'AWS API Call via CloudTrail', detail: { eventSource: 'lambda.amazonaws.com', eventName, readOnly: false, requestParameters } });
    const delivered = (event: Record<string, any>) => rules().some((rule) => matchesPattern(rule.pattern, event) && deliverable(rule, event));
    for (const name of ['sse-sentinel-test-processor', 'sse-sentinel-test-usage:live', 'arn:aws:lambda:us-east-1:111122223333:function:sse-sentinel-test-remediator']) {
      expect(delivered(lambdaCall('UpdateFunctionCode20150331v2', { functionName: name })), name).toBe(true);
    }
    // another application's deployment
    expect(delivered(lambdaCall('UpdateFunctionCode20150331v2', { functionName: 'billing-api' }))).toBe(false);
    expect(delivered(lambdaCall('AddPermission20150331v2', { functionName: 'arn:aws:lambda:us-east-1:111122223333:function:billing-api', statementId: 'sse-sentinel-x' }))).toBe(false);
    expect(delivered(lambdaCall('UpdateEventSourceMapping20150331', { uUID: '6d4a7f1e-0000-4000-8000-000000000000', enabled: false }))).toBe(true);
    // the same for EventBridge rules: its own by name, others' not at all; the bus's permissions always
    const eventsCall = (eventName: string, requestParameters: Record<string, unknown>) => ({ ...lambdaCall(eventName, requestParameters), source: 'aws.events', detail: { eventSource: 'events.amazonaws.com', eventName, readOnly: false, requestParameters } });
    expect(delivered(eventsCall('PutTargets', { rule: 'sse-sentinel-test-read-only', targets: [] }))).toBe(true);
    expect(delivered(eventsCall('PutTargets', { rule: 'billing-nightly', targets: [] }))).toBe(false);
    expect(delivered(eventsCall('DisableRule', { name: 'billing-nightly' }))).toBe(false);
    expect(delivered(eventsCall('RemovePermission', { removeAllPermissions: true }))).toBe(true);
    // its topic, queues, tables and alarms, not auto scaling's churn on other applications' tables and alarms
    const call = (source: string, eventSource: string, eventName: string, requestParameters: Record<string, unknown>) => ({ source, 'detail-type': 'AWS API Call via CloudTrail', detail: { eventSource, eventName, readOnly: false, requestParameters } });
    expect(delivered(call('aws.monitoring', 'monitoring.amazonaws.com', 'PutMetricAlarm', { alarmName: 'TargetTracking-table/orders-AlarmHigh-5c1b', threshold: 70 }))).toBe(false);
    expect(delivered(call('aws.monitoring', 'monitoring.amazonaws.com', 'DeleteAlarms', { alarmNames: ['TargetTracking-table/orders-AlarmLow-9e2f'] }))).toBe(false);
    expect(delivered(call('aws.monitoring', 'monitoring.amazonaws.com', 'DeleteAlarms', { alarmNames: ['other', 'sse-sentinel-test-HeartbeatMissingAlarm-1XQ2'] }))).toBe(true);
    expect(delivered(call('aws.dynamodb', 'dynamodb.amazonaws.com', 'UpdateTable', { tableName: 'orders', provisionedThroughput: { readCapacityUnits: 50 } }))).toBe(false);
    expect(delivered(call('aws.dynamodb', 'dynamodb.amazonaws.com', 'UpdateTable', { tableName: 'sse-sentinel-test-state' }))).toBe(true);
    expect(delivered(call('aws.sqs', 'sqs.amazonaws.com', 'SetQueueAttributes', { queueUrl: 'https://sqs.us-east-1.amazonaws.com/111122223333/sse-sentinel-test-usage', attributes: {} }))).toBe(true);
    expect(delivered(call('aws.sqs', 'sqs.amazonaws.com', 'SetQueueAttributes', { queueUrl: 'https://sqs.us-east-1.amazonaws.com/111122223333/orders', attributes: {} }))).toBe(false);
    expect(delivered(call('aws.sns', 'sns.amazonaws.com', 'Unsubscribe', { subscriptionArn: 'arn:aws:sns:us-east-1:111122223333:sse-sentinel-test-alerts:0b1c' }))).toBe(true);
  });

  it('routes TablesMaintenanceEvent as a service event', () => {
    const envelope = { source: 'aws.s3tables', 'detail-type': 'AWS Service Event via CloudTrail', detail: { eventSource: 's3tables.amazonaws.com', eventName: 'TablesMaintenanceEvent' } };
    expect(rules().some((rule) => matchesPattern(rule.pattern, envelope))).toBe(true);
  });

  it('gives every rule target a dead-letter queue and a retry policy, and the function an on-failure destination', () => {
    for (const rule of rules()) {
      for (const target of rule.targets) {
        expect(target.DeadLetterConfig?.Arn, rule.id).toEqual({ 'Fn::GetAtt': ['FailedEventsQueue', 'Arn'] });
        expect(target.RetryPolicy?.MaximumRetryAttempts, rule.id).toBeGreaterThan(0);
      }
    }
    const invokeConfig = ofType('AWS::Lambda::EventInvokeConfig').find(([, c]) => JSON.stringify(c.Properties.FunctionName).includes('Processor'))![1];
    expect(invokeConfig.Properties.DestinationConfig.OnFailure.Destination).toEqual({ 'Fn::GetAtt': ['FailedEventsQueue', 'Arn'] });
    expect(ofType('AWS::CloudWatch::Alarm').length).toBeGreaterThan(0);
  });

  it('keeps the ledger and the markers in two DynamoDB tables with TTL on expiresAt, named in the functions\' environment', () => {
    for (const [id, variable] of [['StateTable', 'STATE_TABLE_NAME'], ['MarkersTable', 'MARKERS_TABLE_NAME']] as const) {
      const table = resources[id]!.Properties;
      expect(table.KeySchema).toEqual([{ AttributeName: 'pk', KeyType: 'HASH' }]);
      expect(table.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
      expect(resources['ProcessorLambdaFunction']!.Properties.Environment.Variables[variable]).toBe(table.TableName);
    }
    // only the state table is ever scanned
    for (const [, role] of ofType('AWS::IAM::Role')) {
      for (const statement of (role.Properties.Policies as any[]).flatMap((p) => p.PolicyDocument.Statement)) {
        if ([statement.Action].flat().includes('dynamodb:Scan')) expect(statement.Resource).toEqual({ 'Fn::GetAtt': ['StateTable', 'Arn'] });
      }
    }
  });

  it('lets EventBridge invoke the function only from the read-only rule it declares', () => {
    const permissions = ofType('AWS::Lambda::Permission').map(([, p]) => p.Properties);
    expect(permissions.every((p) => p.Principal === 'events.amazonaws.com' && p.SourceArn)).toBe(true);
  });

  it('replays log objects of the configured trail bucket as S3 announces them', () => {
    const created = { source: 'aws.s3', 'detail-type': 'Object Created', detail: { bucket: { name: 'test-trail-logs' }, object: { key: 'AWSLogs/111122223333/CloudTrail/us-east-1/2025/01/10/x.json.gz' } } };
    const matched = rules().filter((rule) => matchesPattern(rule.pattern, created));
    expect(matched.flatMap((rule) => rule.targets.map((t) => t.Arn))).toEqual([{ 'Fn::GetAtt': ['LogfileLambdaFunction', 'Arn'] }]);
    expect(rules().some((rule) => matchesPattern(rule.pattern, { ...created, detail: { ...created.detail, bucket: { name: 'other' } } }))).toBe(false);
  });

  it('alarms on every function\'s errors and throttles, the raw rules\' failed invocations, the DLQ depth and the usage backlog', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    for (const fn of ['ProcessorLambdaFunction', 'UsageLambdaFunction', 'LogfileLambdaFunction', 'InventoryLambdaFunction', 'RemediatorLambdaFunction', 'DoctorLambdaFunction']) {
      for (const metric of ['Errors', 'Throttles']) {
        expect(alarms.some((a) => a.MetricName === metric && JSON.stringify(a.Dimensions).includes(fn)), `${fn} ${metric}`).toBe(true);
      }
    }
    // every rule written in resources (serverless.yml's own rules target the processor, whose failures the DLQ alarm counts)
    const raw = Object.keys(resources).filter((id) => resources[id]!.Type === 'AWS::Events::Rule' && !id.endsWith('EventBridgeRule') && resources[id]!.Properties.EventPattern);
    expect(raw.sort()).toEqual(['ObjectWritesRule', 'ReadOnlyEventsRule', 'UsageEventsRule']);
    for (const rule of raw) expect(alarms.some((a) => a.MetricName === 'FailedInvocations' && JSON.stringify(a.Dimensions) === JSON.stringify([{ Name: 'RuleName', Value: { Ref: rule } }])), rule).toBe(true);
    expect(alarms.some((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible')).toBe(true);
    // an intake that falls behind: data-key events waiting in the usage queue; remediation requests waiting in theirs
    const backlog = (queue: string) => alarms.find((a) => a.MetricName === 'ApproximateAgeOfOldestMessage' && JSON.stringify(a.Dimensions).includes(`"${queue}"`));
    expect(backlog('UsageQueue')).toMatchObject({ Namespace: 'AWS/SQS', Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['UsageQueue', 'QueueName'] } }], Threshold: 300 });
    expect(backlog('RemediationQueue')).toMatchObject({ Namespace: 'AWS/SQS', Threshold: 900 });
    // every queue a function reads, watched for its age: a message that expires there is lost, not dead-lettered
    for (const [, mapping] of ofType('AWS::Lambda::EventSourceMapping')) expect(backlog((mapping.Properties.EventSourceArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!), JSON.stringify(mapping.Properties.EventSourceArn)).toBeDefined();
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([{ Ref: 'AlertTopic' }]);
  });

  it('keeps dead-lettered messages longer than the queues that redrive to it keep theirs (they keep their first enqueue time)', () => {
    const retention = (id: string) => resources[id]!.Properties.MessageRetentionPeriod as number | undefined;
    const redriving = ofType('AWS::SQS::Queue').filter(([, q]) => q.Properties.RedrivePolicy);
    expect(redriving.map(([id]) => id).sort()).toEqual(['RemediationQueue', 'UsageQueue']);
    for (const [id, queue] of redriving) {
      const dlq = (queue.Properties.RedrivePolicy.deadLetterTargetArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!;
      // SQS keeps a message 4 days unless told otherwise: both written out
      expect(retention(id), id).toBeDefined();
      expect(retention(dlq)! - retention(id)!, `${id} → ${dlq}`).toBeGreaterThanOrEqual(7 * 86_400);
    }
  });

  it('gives every asynchronously invoked function an on-failure destination', () => {
    const configs = ofType('AWS::Lambda::EventInvokeConfig').map(([, r]) => r.Properties);
    for (const fn of ['processor', 'logfile', 'inventory', 'doctor']) {
      const config = configs.find((c) => JSON.stringify(c.FunctionName).toLowerCase().includes(fn));
      expect(config?.DestinationConfig?.OnFailure?.Destination, fn).toEqual({ 'Fn::GetAtt': ['FailedEventsQueue', 'Arn'] });
    }
  });

  it('runs the inventory sweep daily and the doctor every 15 minutes', () => {
    const schedules = ofType('AWS::Events::Rule').filter(([, r]) => r.Properties.ScheduleExpression).map(([, r]) => [JSON.stringify(r.Properties.Targets).match(/(\w+)LambdaFunction/)![1], r.Properties.ScheduleExpression]);
    expect(Object.fromEntries(schedules)).toEqual({ Inventory: 'rate(1 day)', Doctor: 'rate(15 minutes)' });
  });

  it('sends the heartbeat back to the processor, alarms when it stops coming, and counts as many rules as the doctor expects', () => {
    const heartbeat = { version: '0', id: 'h', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.ssm', account: '111122223333', time: '2025-01-10T10:00:00Z', region: 'us-east-1', resources: [],
      detail: { eventSource: 'ssm.amazonaws.com', eventName: 'PutParameter', readOnly: false, requestParameters: { name: '/sse-sentinel/test/heartbeat', type: 'String', overwrite: true } } };
    const matched = rules().filter((rule) => matchesPattern(rule.pattern, heartbeat) && deliverable(rule, heartbeat));
    expect(matched.map((r) => JSON.stringify(r.targets[0].Arn))).toEqual([JSON.stringify({ 'Fn::GetAtt': ['ProcessorLambdaFunction', 'Arn'] })]);
    expect(rules().some((rule) => matchesPattern(rule.pattern, { ...heartbeat, detail: { ...heartbeat.detail, requestParameters: { name: '/other/parameter' } } }))).toBe(false);
    expect(resources['HeartbeatParameter']!.Properties.Name).toBe('/sse-sentinel/test/heartbeat');
    for (const fn of ['ProcessorLambdaFunction', 'DoctorLambdaFunction']) expect(resources[fn]!.Properties.Environment.Variables.HEARTBEAT_PARAMETER).toBe('/sse-sentinel/test/heartbeat');
    const alarm = resources['HeartbeatMissingAlarm']!.Properties;
    expect(alarm).toMatchObject({ Namespace: 'SseSentinel', MetricName: 'HeartbeatsReceived', ComparisonOperator: 'LessThanThreshold', Threshold: 1, TreatMissingData: 'breaching' });
    expect(resources['SelfCheckFailuresAlarm']!.Properties).toMatchObject({ MetricName: 'SelfCheckFailures', ComparisonOperator: 'GreaterThanThreshold' });
    expect(ofType('AWS::Events::Rule')).toHaveLength(EXPECTED_RULE_COUNT);
  });

  it('gives each function its own role with exactly the actions its code calls', () => {
    const grants = (roleId: string) => {
      const statements = (resources[roleId]!.Properties.Policies as any[]).flatMap((p) => p.PolicyDocument.Statement);
      return { statements, actions: statements.flatMap((st: any) => [st.Action].flat()).sort() };
    };
    // the state table: a scan, or by key what changed since the last look (BatchGetItem)
    const state = ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Scan', 'dynamodb:UpdateItem',
      // the markers table (markers and usage counters): no Scan, no batch writes, counters read by key
      'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchGetItem'];
    const common = ['kms:Decrypt', 'logs:CreateLogStream', 'logs:PutLogEvents', 'sns:Publish', 'ssm:GetParameter', ...state];
    // one SendMessage for the failed-events queue, one to hand findings to the remediator
    expect(grants('ProcessorRole').actions).toEqual([...common, 'sqs:SendMessage', 'sqs:SendMessage'].sort());
    expect(grants('UsageRole').actions).toEqual([...common, 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'].sort());
    expect(grants('InventoryRole').actions).toEqual([
      'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem', 'kms:DescribeKey', 'kms:ListAliases', 'kms:ListKeys', 'logs:CreateLogStream', 'logs:PutLogEvents',
      's3:GetBucketPolicy', 's3:GetEncryptionConfiguration', 's3:ListAllMyBuckets', 'sqs:SendMessage',
      's3tables:GetTableBucketEncryption', 's3tables:GetTableEncryption', 's3tables:ListNamespaces', 's3tables:ListTableBuckets', 's3tables:ListTables',
    ].sort());
    // the sweep's one grant on the markers table: the record of the posture revision it moves
    expect(grants('InventoryRole').statements.filter((st: any) => JSON.stringify(st.Resource).includes('MarkersTable')).map((st: any) => st.Action)).toEqual([['dynamodb:PutItem']]);
    for (const [fn, role] of [['Processor', 'ProcessorRole'], ['Usage', 'UsageRole'], ['Inventory', 'InventoryRole']]) {
      expect(resources[`${fn}LambdaFunction`]!.Properties.Role).toEqual({ 'Fn::GetAtt': [role, 'Arn'] });
    }
    expect(ofType('AWS::IAM::Role').map(([id]) => id).sort()).toEqual(['DoctorRole', 'InventoryRole', 'LogfileRole', 'ProcessorRole', 'RemediatorRole', 'UsageRole']);
    expect(grants('DoctorRole').actions).toEqual([
      'cloudtrail:DescribeTrails', 'cloudtrail:GetEventSelectors', 'cloudtrail:GetTrailStatus', 'dynamodb:GetItem', 'events:DescribeEventBus', 'events:ListRules', 'kms:Decrypt',
      'lambda:GetFunctionConcurrency', 'lambda:GetFunctionEventInvokeConfig', 'lambda:ListEventSourceMappings',
      'logs:CreateLogStream', 'logs:PutLogEvents', 's3:GetBucketNotification', 'sqs:SendMessage', 'ssm:GetParameter', 'ssm:PutParameter',
    ]);
    expect(JSON.stringify(grants('DoctorRole').statements.find((st: any) => [st.Action].flat().includes('ssm:PutParameter')).Resource)).toContain(':parameter/sse-sentinel/test/heartbeat');
    expect(grants('LogfileRole').actions).toEqual([...common, 'kms:Decrypt', 's3:GetObject', 'sqs:SendMessage', 'sqs:SendMessage'].sort());
    const objectRead = grants('LogfileRole').statements.find((st: any) => [st.Action].flat().includes('s3:GetObject'));
    expect(objectRead.Resource).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::test-trail-logs/*' });
    // scoped resources: the table, the topic, the one secret parameter, KMS decrypt only through SSM
    const { statements } = grants('ProcessorRole');
    expect(statements.find((st: any) => [st.Action].flat().includes('dynamodb:Scan')).Resource).toEqual({ 'Fn::GetAtt': ['StateTable', 'Arn'] });
    expect(statements.find((st: any) => [st.Action].flat().includes('sns:Publish')).Resource).toEqual({ Ref: 'AlertTopic' });
    expect(JSON.stringify(statements.find((st: any) => [st.Action].flat().includes('ssm:GetParameter')).Resource)).toContain(':parameter/sse-sentinel/test/slack-webhook');
    expect(statements.find((st: any) => [st.Action].flat().includes('kms:Decrypt')).Condition).toEqual({ StringEquals: { 'kms:ViaService': { 'Fn::Sub': 'ssm.${AWS::Region}.amazonaws.com' } } });
    expect(JSON.stringify(statements.find((st: any) => [st.Action].flat().includes('logs:PutLogEvents')).Resource)).toContain('/aws/lambda/sse-sentinel-test-processor:*');
    const env = resources['ProcessorLambdaFunction']!.Properties.Environment.Variables;
    expect(Object.values(env).join(' ')).not.toMatch(/hooks\.slack\.com/);
    expect(env.SLACK_WEBHOOK_PARAMETER).toBe('/sse-sentinel/test/slack-webhook');
    // source-map support would parse every map at cold start
    expect(env.NODE_OPTIONS ?? '').not.toContain('--enable-source-maps');
  });
});

describe('remediation deployment', () => {
  const statementsOf = (roleId: string): any[] => (resources[roleId]!.Properties.Policies as any[]).flatMap((p) => p.PolicyDocument.Statement);
  const actionsOf = (statements: any[]): string[] => statements.flatMap((st) => [st.Action].flat());
  const WRITE = /^(s3|s3tables|kms):(Put|Delete|Create|Update|Enable|Disable|Cancel|Schedule|Restore|Import)/;

  it('grants the remediator role exactly the IAM actions its actions declare, on this account\'s resources', () => {
    const statements = statementsOf('RemediatorRole');
    const remediation = statements.filter((st) => /^Remediate/.test(st.Sid ?? ''));
    expect(actionsOf(remediation).sort()).toEqual([...REMEDIATION_PERMISSIONS]);
    expect(actionsOf(statements).filter((a) => /^(s3|s3tables|kms):/.test(a) && a !== 'kms:Decrypt').sort()).toEqual([...REMEDIATION_PERMISSIONS]);
    for (const statement of remediation) {
      expect(JSON.stringify(statement.Resource)).toMatch(/\$\{AWS::AccountId\}|s3:::\*/);
      if (JSON.stringify(statement.Resource).includes('s3:::')) expect(statement.Condition).toEqual({ StringEquals: { 's3:ResourceAccount': { Ref: 'AWS::AccountId' } } });
    }
    expect(resources['RemediatorRole']!.Properties.RoleName).toBe('sse-sentinel-test-remediator');
    expect(resources['RemediatorLambdaFunction']!.Properties.Role).toEqual({ 'Fn::GetAtt': ['RemediatorRole', 'Arn'] });
  });

  it('gives no other role a write action on S3, S3 Tables or KMS', () => {
    for (const [id] of ofType('AWS::IAM::Role').filter(([id]) => id !== 'RemediatorRole')) {
      expect(actionsOf(statementsOf(id)).filter((a) => WRITE.test(a)), id).toEqual([]);
    }
  });

  it('caps each queue\'s poller at its function\'s reserved concurrency, so that no batch is handed to a throttled function', () => {
    // event source mappings ignore reserved concurrency: a batch they hand to a throttled function goes back to the
    // queue with its receive count up, and after maxReceiveCount into the failed-events queue, never processed
    const mappings = ofType('AWS::Lambda::EventSourceMapping').map(([, r]) => r.Properties);
    expect(mappings.length).toBeGreaterThanOrEqual(2);
    for (const mapping of mappings) {
      const fn = (mapping.FunctionName as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!;
      const reserved = resources[fn]!.Properties.ReservedConcurrentExecutions;
      expect(mapping.ScalingConfig?.MaximumConcurrency, fn).toBeGreaterThanOrEqual(2);
      expect(mapping.ScalingConfig?.MaximumConcurrency, fn).toBeLessThanOrEqual(reserved);
    }
  });

  it('feeds the remediator from its queue with bounded retries into the dead-letter queue, and a kill switch parameter', () => {
    const mapping = ofType('AWS::Lambda::EventSourceMapping').map(([, r]) => r.Properties).find((p) => JSON.stringify(p.EventSourceArn).includes('RemediationQueue'))!;
    expect(mapping.FunctionName).toEqual({ 'Fn::GetAtt': ['RemediatorLambdaFunction', 'Arn'] });
    expect(mapping.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    const queue = resources['RemediationQueue']!.Properties;
    expect(queue.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': ['FailedEventsQueue', 'Arn'] }, maxReceiveCount: 3 });
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * resources['RemediatorLambdaFunction']!.Properties.Timeout);
    expect(resources['RemediatorLambdaFunction']!.Properties.ReservedConcurrentExecutions).toBeLessThanOrEqual(5);
    const killSwitch = resources['RemediationKillSwitch']!.Properties;
    expect(killSwitch.Name).toBe('/sse-sentinel/test/remediation-kill-switch');
    expect(killSwitch.Value).toBe('on'); // outside prod every action starts as a dry run
    expect(resources['RemediatorLambdaFunction']!.Properties.Environment.Variables.REMEDIATION_KILL_SWITCH_PARAMETER).toBe('/sse-sentinel/test/remediation-kill-switch');
    for (const fn of ['ProcessorLambdaFunction', 'LogfileLambdaFunction']) {
      expect(resources[fn]!.Properties.Environment.Variables.REMEDIATION_QUEUE_NAME).toBe('sse-sentinel-test-remediation');
    }
  });

  it('keeps the remediator\'s own calls out of every rule, and lets every other caller through', async () => {
    const samples = ['s3/PutBucketEncryption.kms-rule-array.json', 'kms/EnableKey.json', 's3tables/PutTableBucketEncryption.kms.json'];
    for (const file of samples) {
      const value = JSON.parse(await readFile(join(EVENTS, file), 'utf8'));
      const original = Array.isArray(value) ? value[value.length - 1] : value;
      expect(rules().some((rule) => matchesPattern(rule.pattern, original) && deliverable(rule, original)), file).toBe(true);
      const own = structuredClone(original);
      own.detail.userIdentity = {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::111122223333:assumed-role/sse-sentinel-test-remediator/sse-sentinel-test-remediator',
        sessionContext: { sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::111122223333:role/sse-sentinel-test-remediator' } },
      };
      expect(rules().filter((rule) => matchesPattern(rule.pattern, own)).map((r) => r.id), file).toEqual([]);
      const service = structuredClone(original);
      service.detail.userIdentity = { type: 'AWSService', invokedBy: 'cloudformation.amazonaws.com' };
      expect(rules().some((rule) => matchesPattern(rule.pattern, service) && deliverable(rule, service)), `${file} from a service`).toBe(true);
    }
  });
});

describe('organizations', () => {
  it('ships a member-account template that is current with the hub\'s rules (npm run member-template)', async () => {
    const committed = JSON.parse(await readFile(join(ROOT, 'deploy', 'member-account.json'), 'utf8'));
    expect(committed).toEqual(memberTemplate({ Resources: resources }));
  });

  it('forwards every sample event a hub rule delivers, in the same rule state, through a role and a DLQ', async () => {
    const member = memberTemplate({ Resources: resources }) as { Resources: Record<string, CfnResource> };
    const forwarding = Object.values(member.Resources).filter((r) => r.Type === 'AWS::Events::Rule').map((r) => ({ state: r.Properties.State, pattern: r.Properties.EventPattern as Pattern, target: r.Properties.Targets[0] }));
    for (const { target } of forwarding) {
      expect(target.RoleArn).toEqual({ 'Fn::GetAtt': ['ForwardingRole', 'Arn'] });
      expect(target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': ['ForwardingDeadLetterQueue', 'Arn'] } });
      expect(target.RetryPolicy.MaximumRetryAttempts).toBeGreaterThan(0);
      expect(JSON.stringify(target.Arn)).toContain(':event-bus/default');
    }
    const role = member.Resources['ForwardingRole']!.Properties.Policies[0].PolicyDocument.Statement;
    expect(role.map((st: any) => st.Action)).toEqual(['events:PutEvents']);
    const items = await collect([EVENTS]);
    let forwarded = 0;
    for (const event of items.flatMap((item) => (item.kind === 'event' && item.event.detailType ? [item.event] : []))) {
      const value = JSON.parse(await readFile(event.location.source, 'utf8'));
      const envelope = Array.isArray(value) ? value[event.location.index ?? 0] : value;
      const atHub = rules().filter((rule) => !JSON.stringify(rule.pattern).includes('Object Created')).some((rule) => matchesPattern(rule.pattern, envelope) && deliverable(rule, envelope));
      if (!atHub) continue;
      const fromMember = forwarding.some((rule) => matchesPattern(rule.pattern, envelope) && deliverable({ state: rule.state } as never, envelope));
      expect(fromMember, `${envelope.detail?.eventName} (${envelope.id})`).toBe(true);
      forwarded++;
    }
    expect(forwarded).toBeGreaterThan(50);
  });

  it('forwards each forwarding rule\'s switching off through another forwarding rule', () => {
    const member = memberTemplate({ Resources: resources }) as { Resources: Record<string, CfnResource> };
    const forwarding = Object.entries(member.Resources).filter(([, r]) => r.Type === 'AWS::Events::Rule').map(([id, r]) => ({ id, name: r.Properties.Name as string, state: r.Properties.State, pattern: r.Properties.EventPattern as Pattern }));
    expect(forwarding.length).toBeGreaterThan(5);
    for (const rule of forwarding) {
      for (const event of ruleSwitchedOff(rule.name)) {
        const others = forwarding.filter((other) => other.id !== rule.id && matchesPattern(other.pattern, event) && deliverable(other as never, event));
        expect(others.length, `${event.detail.eventName} ${rule.name}`).toBeGreaterThan(0);
      }
    }
  });

  it('accepts member events on the default bus only with an organization id, and only from that organization', () => {
    expect(resources['OrganizationEventsPolicy']).toMatchObject({ Condition: 'AcceptOrganizationEvents' });
    const conditions = spawnSync(join(ROOT, 'node_modules/.bin/serverless'), ['print', '--stage', 'test', '--param=organizationId=o-abcd1234', '--format', 'json'], {
      cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: 'true', SLS_TELEMETRY_DISABLED: '1' }, timeout: 120_000,
    });
    expect(conditions.status, conditions.stderr).toBe(0);
    const printed = JSON.parse(conditions.stdout.slice(conditions.stdout.indexOf('{')));
    expect(printed.resources.Conditions.AcceptOrganizationEvents).toEqual({ 'Fn::Not': [{ 'Fn::Equals': ['o-abcd1234', ''] }] });
    expect(printed.resources.Resources.OrganizationEventsPolicy.Properties.Statement.Condition).toEqual({ StringEquals: { 'aws:PrincipalOrgID': 'o-abcd1234' } });
    expect(resources['OrganizationEventsPolicy']!.Properties.Statement.Condition.StringEquals['aws:PrincipalOrgID']).toBe('');
  });
});

describe('serverless invoke local', () => {
  // dummy credentials: invoke local must not look for real ones (no network here, and none needed)
  const invokeEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    ...process.env, CI: 'true', SLS_TELEMETRY_DISABLED: '1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1', ...extra,
  });
  /** The handler's return value is the last JSON document printed. */
  const returned = (stdout: string): any => JSON.parse(stdout.slice(Math.max(stdout.lastIndexOf('\n{\n'), stdout.lastIndexOf('\n[\n')) + 1));
  const invoke = (fn: string, file: string) => {
    const result = spawnSync(join(ROOT, 'node_modules/.bin/serverless'), ['invoke', 'local', '-f', fn, '-p', file], { cwd: ROOT, encoding: 'utf8', env: invokeEnv(), timeout: 180_000 });
    expect(result.status, result.stderr).toBe(0);
    return returned(result.stdout);
  };
  /** The same, without blocking this process: the AWS endpoint it talks to runs here. */
  const invokeAsync = (fn: string, file: string, env: NodeJS.ProcessEnv) => new Promise<any>((resolve, reject) => {
    const child = spawn(join(ROOT, 'node_modules/.bin/serverless'), ['invoke', 'local', '-f', fn, '-p', file], { cwd: ROOT, env: invokeEnv(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => (code === 0 ? resolve(returned(stdout)) : reject(new Error(`invoke local -f ${fn} exited ${code}:\n${stdout}\n${stderr}`))));
  });
  /** A loopback port nothing listens on: every AWS call fails at once, as it would offline. */
  const closedPort = async (): Promise<number> => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    return port;
  };

  it('runs the bundled processor on a sample event', () => {
    expect(invoke('processor', 'events/s3tables/DeleteTableBucketEncryption.json').findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['s3tables.bucket-encryption-removed']);
  });

  it('runs the usage function on an SQS batch and the remediator offline on a remediation request', () => {
    expect(invoke('usage', 'events/invoke/usage.sqs.json')).toEqual({ batchItemFailures: [] });
    expect(invoke('remediator', 'events/invoke/remediator.sqs.json')).toEqual({ batchItemFailures: [] });
  });

  it('runs the logfile function on its S3 event, reading the gzip log object from an S3 endpoint on loopback', async () => {
    const payload = JSON.parse(await readFile(join(ROOT, 'events/invoke/logfile.object-created.json'), 'utf8'));
    const record = JSON.parse(await readFile(join(EVENTS, 's3tables/DeleteTableBucketEncryption.json'), 'utf8')).detail;
    const log = gzipSync(JSON.stringify({ Records: [record, { eventVersion: '1.11', eventSource: 's3tables.amazonaws.com' }] }));
    const requests: string[] = [];
    const s3 = createServer((req, res) => {
      requests.push(`${req.method} ${decodeURIComponent(req.url ?? '')}`);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': log.length });
      res.end(log);
    });
    await new Promise<void>((resolve) => s3.listen(0, '127.0.0.1', () => resolve()));
    try {
      const endpoint = `http://127.0.0.1:${(s3.address() as AddressInfo).port}`;
      const failure = await invokeAsync('logfile', 'events/invoke/logfile.object-created.json', { AWS_ENDPOINT_URL_S3: endpoint }).catch((error: Error) => error);
      // the unreadable second record fails the invocation (so Lambda retries it) after the first was processed
      expect(failure).toBeInstanceOf(Error);
      expect(String(failure)).toContain(`s3://my-trail-bucket/${payload.detail.object.key}: 1 unreadable records`);
      expect(String(failure)).toContain('"records":1,"findings":1');
      expect(requests).toEqual([`GET /my-trail-bucket/${payload.detail.object.key}?x-id=GetObject`]);
    } finally {
      s3.close();
    }
  });

  it('runs the doctor and the inventory offline: each names what it could not reach instead of failing', async () => {
    const offline = { AWS_ENDPOINT_URL: `http://127.0.0.1:${await closedPort()}`, AWS_MAX_ATTEMPTS: '1' };
    // one after the other: each invoke local bundles into the same .esbuild directory
    const checks = await invokeAsync('doctor', 'events/invoke/schedule.json', offline);
    const inventory = await invokeAsync('inventory', 'events/invoke/schedule.json', offline);
    expect(checks.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining(['trail', 'data-events', 'rules', 'slack-secret', 'heartbeat']));
    // every check that reads AWS fails; the organization's needs none when the deployment names no organization
    expect(checks.filter((c: { id: string; ok: boolean }) => !c.ok).map((c: { id: string }) => c.id)).toEqual(checks.map((c: { id: string }) => c.id).filter((id: string) => id !== 'organization'));
    expect(checks.find((c: { id: string }) => c.id === 'organization')).toMatchObject({ ok: true, detail: expect.stringContaining('no organization configured') });
    expect(checks.find((c: { id: string }) => c.id === 'trail').detail).toMatch(/could not check: .*ECONNREFUSED/);
    expect(inventory).toMatchObject({ tableBuckets: 0, tables: 0, buckets: 0, keys: 0 });
    expect(inventory.errors.map((e: { operation: string }) => e.operation).sort()).toEqual(['ListBuckets', 'ListKeys', 'ListTableBuckets']);
  });
});

describe('the packaged roles grant every call the functions make', () => {
  /** The table a statement's resource names, by the TableName of the template's table it points at. */
  const tableOf = (resource: unknown): string | undefined => {
    const id = (resource as { 'Fn::GetAtt'?: [string, string] } | null)?.['Fn::GetAtt']?.[0];
    return id ? resources[id]?.Properties['TableName'] : undefined;
  };
  /** IAM's name for an SDK command: most are the operation's; S3 names some after what they read or write. */
  const iamAction = (prefix: string, command: string): string => {
    const operation = command.replace(/Command$/, '');
    const s3Names: Record<string, string> = {
      ListBuckets: 'ListAllMyBuckets', GetBucketEncryption: 'GetEncryptionConfiguration', PutBucketEncryption: 'PutEncryptionConfiguration', GetBucketNotificationConfiguration: 'GetBucketNotification',
    };
    return `${prefix}:${prefix === 's3' ? (s3Names[operation] ?? operation) : operation}`;
  };
  const statementsOf = (roleId: string): any[] => (resources[roleId]!.Properties.Policies as any[]).flatMap((p) => p.PolicyDocument.Statement);
  const granted = (roleId: string, operation: string, table: string): boolean =>
    (resources[roleId]!.Properties.Policies as any[]).flatMap((p) => p.PolicyDocument.Statement).some((statement: any) =>
      statement.Effect === 'Allow' && [statement.Action].flat().includes(`dynamodb:${operation}`) && [statement.Resource].flat().some((r: unknown) => tableOf(r) === table));

  it('every function: each DynamoDB request on each table it names, and each other service\'s action on the resource it names, is allowed by the function\'s own role', async () => {
    const env = resources['ProcessorLambdaFunction']!.Properties.Environment.Variables as Record<string, string>;
    const arns = await TemplateArns.of({ Resources: resources });
    const dynamo = await startLocalDynamo();
    const saved = { ...process.env };
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const s3 = mockClient(S3Client);
    const kms = mockClient(KMSClient);
    const tables = mockClient(S3TablesClient);
    const ssm = mockClient(SSMClient);
    const sqs = mockClient(SQSClient);
    const cloudtrail = mockClient(CloudTrailClient);
    const eventbridge = mockClient(EventBridgeClient);
    const lambda = mockClient(LambdaClient);
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    // SNS is called with signed requests of its own (no SDK client): a loopback endpoint records their actions
    const snsCalls: { action: string; input: Record<string, unknown> }[] = [];
    const sns = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        snsCalls.push({ action: `sns:${form.get('Action')}`, input: Object.fromEntries(form) });
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end('<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>');
      });
    });
    await new Promise<void>((resolve) => sns.listen(0, '127.0.0.1', () => resolve()));
    try {
      await dynamo.createTable(env['STATE_TABLE_NAME']!);
      await dynamo.createTable(env['MARKERS_TABLE_NAME']!);
      Object.assign(process.env, dynamo.deployedEnvironment(env['STATE_TABLE_NAME']!, env['MARKERS_TABLE_NAME']!));
      delete process.env['ALERT_TOPIC_ARN'];
      const calls: Record<string, string[]> = {};
      /** The requests `act` made, as "Operation table". */
      /** The other services' calls each role's function made, as IAM actions with their input. */
      const actions: Record<string, { action: string; input: Record<string, unknown> }[]> = {};
      const services = [{ mock: s3, prefix: 's3' }, { mock: kms, prefix: 'kms' }, { mock: tables, prefix: 's3tables' }, { mock: ssm, prefix: 'ssm' }, { mock: sqs, prefix: 'sqs' }, { mock: cloudtrail, prefix: 'cloudtrail' }, { mock: eventbridge, prefix: 'events' }, { mock: lambda, prefix: 'lambda' }];
      const during = async (roleId: string, act: () => Promise<unknown>) => {
        const before = dynamo.operations.length;
        const sdkBefore = services.map(({ mock }) => mock.calls().length);
        const snsBefore = snsCalls.length;
        await act();
        actions[roleId] = [...(actions[roleId] ?? []), ...snsCalls.slice(snsBefore)];
        calls[roleId] = [...(calls[roleId] ?? []), ...dynamo.operations.slice(before).flatMap((operation, i) => dynamo.tables[before + i]!.map((table) => `${operation} ${table}`))];
        actions[roleId] = [...actions[roleId]!, ...services.flatMap(({ mock, prefix }, i) => mock.calls().slice(sdkBefore[i]).map((call) => {
          const command = call.args[0] as unknown as { constructor: { name: string }; input: Record<string, unknown> };
          return { action: iamAction(prefix, command.constructor.name), input: command.input };
        }))];
      };
      const load = async <T>(path: string): Promise<T> => {
        vi.resetModules();
        return (await import(path)) as T;
      };
      type Handler = (event: unknown, context?: unknown) => Promise<unknown>;
      const sample = async (name: string) => JSON.parse(await readFile(join(EVENTS, name), 'utf8'));

      // the inventory's sweep saves what it found (one bucket): entries, their revision record, the revision
      s3.on(ListBucketsCommand).resolves({ Buckets: [{ Name: 'swept' }] });
      s3.on(GetBucketEncryptionCommand).resolves({ ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } });
      s3.on(GetBucketPolicyCommand).rejects(Object.assign(new Error('no policy'), { name: 'NoSuchBucketPolicy' }));
      kms.on(ListKeysCommand).resolves({ Keys: [] });
      kms.on(ListAliasesCommand).resolves({ Aliases: [] });
      tables.on(ListTableBucketsCommand).resolves({ tableBuckets: [] });
      const inventory = await load<{ handler: Handler }>('../../handlers/inventory.js');
      const schedule = await sample('invoke/schedule.json');
      await during('InventoryRole', () => inventory.handler(schedule));

      // the processor: a cold start's scan, its own save, then catching up on another environment's save; its alerts go
      // to the topic, its remediation requests to the remediator's queue
      // the topic and queue the deployment names (in Lambda, found from the function's own ARN)
      Object.assign(process.env, {
        ALERT_TOPIC_ARN: `arn:aws:sns:us-east-1:111122223333:${resources['AlertTopic']!.Properties['TopicName']}`, AWS_ENDPOINT_URL_SNS: `http://127.0.0.1:${(sns.address() as AddressInfo).port}`,
        REMEDIATION_QUEUE_URL: `https://sqs.us-east-1.amazonaws.com/111122223333/${resources['RemediationQueue']!.Properties['QueueName']}`,
      });
      const processor = await load<{ handler: Handler }>('../../handlers/processor.js');
      const other = new DynamoDbStateStore({ tableName: env['STATE_TABLE_NAME']!, markersTableName: env['MARKERS_TABLE_NAME']!, client: dynamo.client });
      const [created, disabled] = [await sample('s3tables/CreateTableBucket.foreign-key.json'), await sample('kms/DisableKey.json')];
      await during('ProcessorRole', () => processor.handler(created));
      const ledger = new Ledger();
      ledger.update<BucketEntry>({ kind: 'bucket', arn: 'arn:aws:s3:::elsewhere' }, { encryption: { sseAlgorithm: 'AES256' } }, { time: Date.now(), eventId: 'other' });
      await other.saveEntries(ledger.takeDirty());
      await during('ProcessorRole', () => processor.handler(disabled));

      const usage = await load<{ handler: Handler }>('../../handlers/usage.js');
      const batch = await sample('invoke/usage.sqs.json');
      await during('UsageRole', () => usage.handler(batch));

      // the logfile function on a log object (the decrypt-spike scenario's): posture, claims ahead, counters by key
      const logObject = await readFile(join(EVENTS, 'scenarios/decrypt-spike/111122223333_CloudTrail_us-east-1_20250110T1200Z_decryptSpike0001.json.gz'));
      s3.on(GetObjectCommand).callsFake(() => ({ Body: Readable.from([logObject]) }));
      const logfile = await load<{ handler: Handler }>('../../handlers/logfile.js');
      // a log object of the trail bucket the deployment is configured with (the only one S3 announces to it)
      const objectCreated = await sample('invoke/logfile.object-created.json');
      objectCreated.detail.bucket.name = 'test-trail-logs';
      await during('LogfileRole', () => logfile.handler(objectCreated));

      // the doctor: the heartbeat it sends, the trail, the trail bucket's notifications, the rules, the Slack secret,
      // the heartbeat it reads back
      const doctorEnv = resources['DoctorLambdaFunction']!.Properties.Environment.Variables as Record<string, string>;
      for (const name of ['HEARTBEAT_PARAMETER', 'SLACK_WEBHOOK_PARAMETER', 'SSE_SENTINEL_STAGE', 'TRAIL_BUCKET']) if (typeof doctorEnv[name] === 'string') process.env[name] = doctorEnv[name];
      cloudtrail.on(DescribeTrailsCommand).resolves({ trailList: [{ Name: 'trail', TrailARN: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/trail', IsMultiRegionTrail: true, HomeRegion: 'us-east-1', S3BucketName: 'test-trail-logs' }] });
      s3.on(GetBucketNotificationConfigurationCommand).resolves({ EventBridgeConfiguration: {} });
      cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true });
      cloudtrail.on(GetEventSelectorsCommand).resolves({ AdvancedEventSelectors: [] });
      eventbridge.on(ListRulesCommand).resolves({ Rules: [] });
      eventbridge.on(DescribeEventBusCommand).resolves({ Name: 'default' });
      // a deployment with an organization (the packaged one has none): the doctor reads the default bus's policy
      process.env['ORGANIZATION_ID'] = 'o-abcd1234';
      ssm.on(PutParameterCommand).resolves({ Version: 1 });
      lambda.on(GetFunctionConcurrencyCommand).resolves({ ReservedConcurrentExecutions: 1 });
      lambda.on(GetFunctionEventInvokeConfigCommand).resolves({ DestinationConfig: { OnFailure: { Destination: 'arn:aws:sqs:us-east-1:111122223333:failed' } } });
      lambda.on(ListEventSourceMappingsCommand).resolves({ EventSourceMappings: [{ EventSourceArn: 'arn:aws:sqs:us-east-1:111122223333:q', State: 'Enabled' }] });
      const doctor = await load<{ handler: Handler }>('../../handlers/doctor.js');
      await during('DoctorRole', () => doctor.handler(schedule));
      for (const name of ['HEARTBEAT_PARAMETER', 'SLACK_WEBHOOK_PARAMETER', 'TRAIL_BUCKET', 'ORGANIZATION_ID']) delete process.env[name];

      // the remediator on a remediation request (a dry run, as the packaged policy has it outside prod): its claim,
      // budget and counters
      const remediatorEnv = resources['RemediatorLambdaFunction']!.Properties.Environment.Variables as Record<string, string>;
      process.env['REMEDIATION_KILL_SWITCH_PARAMETER'] = remediatorEnv['REMEDIATION_KILL_SWITCH_PARAMETER'];
      ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'off' } });
      kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: 'k', KeyState: 'PendingDeletion', KeyManager: 'CUSTOMER', Enabled: false } });
      const remediator = await load<{ handler: Handler }>('../../handlers/remediator.js');
      const request = await sample('invoke/remediator.sqs.json');
      await during('RemediatorRole', () => remediator.handler(request));

      for (const [roleId, made] of Object.entries(calls)) {
        expect(made.length, roleId).toBeGreaterThan(0);
        expect(made.filter((call) => { const [operation, table] = call.split(' '); return !granted(roleId, operation!, table!); }), roleId).toEqual([]);
        const refused: string[] = [];
        for (const { action, input } of actions[roleId] ?? []) {
          const arn = await arnOfCall(action, input);
          if (!allows(statementsOf(roleId), action, arn, arns)) refused.push(`${action} on ${arn}`);
        }
        expect(refused, roleId).toEqual([]);
      }
      // the sweep's reads, the log object and its spike's alerts, the kill switch, the key the dry run looked at and its outcome alert
      const actionsOf = (roleId: string) => (actions[roleId] ?? []).map((call) => call.action);
      expect(new Set(actionsOf('InventoryRole'))).toEqual(new Set(['s3:ListAllMyBuckets', 's3:GetEncryptionConfiguration', 's3:GetBucketPolicy', 'kms:ListKeys', 'kms:ListAliases', 's3tables:ListTableBuckets']));
      expect(new Set(actionsOf('LogfileRole'))).toEqual(new Set(['s3:GetObject', 'sns:Publish']));
      expect(new Set(actionsOf('RemediatorRole'))).toEqual(new Set(['ssm:GetParameter', 'kms:DescribeKey', 'sns:Publish']));
      expect(actionsOf('ProcessorRole')).toContain('sns:Publish');
      expect(new Set(actionsOf('DoctorRole'))).toEqual(new Set(['ssm:PutParameter', 'ssm:GetParameter', 'cloudtrail:DescribeTrails', 'cloudtrail:GetTrailStatus', 'cloudtrail:GetEventSelectors', 'events:ListRules', 's3:GetBucketNotification', 'lambda:GetFunctionConcurrency', 'lambda:GetFunctionEventInvokeConfig', 'lambda:ListEventSourceMappings', 'events:DescribeEventBus']));
      // what this pins down: the sweep's revision record, the processor's catch-up reads
      expect(calls['InventoryRole']).toContain(`PutItem ${env['MARKERS_TABLE_NAME']}`);
      expect(calls['ProcessorRole']).toContain(`BatchGetItem ${env['STATE_TABLE_NAME']}`);
    } finally {
      for (const mock of [s3, kms, tables, ssm, sqs, cloudtrail, eventbridge, lambda]) mock.restore();
      sns.close();
      log.mockRestore();
      process.env = saved;
      closeSignedPostAgents();
      await dynamo.close();
    }
  });
});
