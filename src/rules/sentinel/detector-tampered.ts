import type { CloudTrailEvent } from '../../events/types.js';
import type { Severity } from '../../policy/schema.js';
import type { Rule } from '../rule.js';

const EVENTS_SOURCE = 'events.amazonaws.com';
const LAMBDA_SOURCE = 'lambda.amazonaws.com';
const SNS_SOURCE = 'sns.amazonaws.com';
const SQS_SOURCE = 'sqs.amazonaws.com';
const DYNAMODB_SOURCE = 'dynamodb.amazonaws.com';

/** Lambda logs versioned event names (Lambda developer guide, "Logging Lambda API calls with CloudTrail"). */
export const LAMBDA_EVENT_OPERATIONS: Readonly<Record<string, string>> = {
  DeleteFunction20150331: 'DeleteFunction',
  PutFunctionConcurrency20171031: 'PutFunctionConcurrency',
  UpdateFunctionConfiguration20150331v2: 'UpdateFunctionConfiguration',
  UpdateFunctionCode20150331v2: 'UpdateFunctionCode',
  RemovePermission20150331v2: 'RemovePermission',
  DeleteEventSourceMapping20150331: 'DeleteEventSourceMapping',
};

/** Changes that switch the detector off outright. */
const BLINDING = new Set(['DisableRule', 'DeleteRule', 'RemoveTargets', 'DeleteFunction20150331', 'DeleteTopic', 'DeleteQueue', 'DeleteTable', 'DeleteEventSourceMapping20150331']);

function lastSegment(text: string): string {
  return text.split(/[:/]/).pop() ?? text;
}

/** The names of the resources an event changes, from the request fields each service uses. */
function targetNames(event: CloudTrailEvent): string[] {
  const request = event.requestParameters;
  const fields = ['name', 'rule', 'functionName', 'topicArn', 'queueUrl', 'tableName', 'uUID'];
  return fields.map((f) => request[f]).filter((v): v is string => typeof v === 'string' && v.length > 0).map(lastSegment);
}

export const detectorTampered: Rule = {
  id: 'sentinel.detector-tampered',
  title: 'sse-sentinel itself was changed or disabled',
  severity: 'HIGH',
  description:
    'A change to this deployment\'s own EventBridge rules, Lambda functions, alert topic, queues or state table (matched by the ' +
    'name prefixes in the policy file, "sse-sentinel-" by default): disabling or deleting them, removing targets, setting reserved ' +
    'concurrency to 0, or changing code and configuration. Someone about to tamper with encryption blinds the detector first. ' +
    'CRITICAL for changes that switch it off; LOW when CloudFormation makes the change (a deployment).',
  runbook: [
    '1. If no deployment was running: redeploy with npx serverless deploy --stage <stage> to restore rules, functions and permissions.',
    '2. Investigate the principal ("by"), and replay the CloudTrail log files of the blind period: npx sse-sentinel replay <files>.',
    '3. Protect the stack with an SCP denying events:DisableRule/DeleteRule/RemoveTargets, lambda:PutFunctionConcurrency/DeleteFunction and sns:DeleteTopic on sse-sentinel-* outside the deploy role.',
  ].join('\n'),
  references: ['MITRE ATT&CK T1562.001 Impair Defenses: Disable or Modify Tools', 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-logging-monitoring.html'],
  triggers: [
    { eventSource: EVENTS_SOURCE, eventNames: ['DisableRule', 'DeleteRule', 'RemoveTargets', 'PutRule', 'PutTargets'] },
    { eventSource: LAMBDA_SOURCE, eventNames: Object.keys(LAMBDA_EVENT_OPERATIONS) },
    { eventSource: SNS_SOURCE, eventNames: ['DeleteTopic', 'SetTopicAttributes'] },
    { eventSource: SQS_SOURCE, eventNames: ['DeleteQueue', 'SetQueueAttributes', 'PurgeQueue'] },
    { eventSource: DYNAMODB_SOURCE, eventNames: ['DeleteTable', 'UpdateTimeToLive'] },
  ],
  fixtures: {
    positive: ['sentinel/DisableRule.json', 'sentinel/PutFunctionConcurrency.zero.json'],
    negative: ['sentinel/DisableRule.other-rule.json', 'sentinel/UpdateFunctionConfiguration.by-cloudformation-other.json'],
  },
  match(event, { policy }) {
    if (event.errorCode) return [];
    const prefixes = policy.document.detector.namePrefixes;
    const names = targetNames(event).filter((name) => prefixes.some((prefix) => name.startsWith(prefix)));
    if (names.length === 0) return [];
    const concurrency = event.requestParameters['reservedConcurrentExecutions'];
    const switchedOff = BLINDING.has(event.eventName) || concurrency === 0;
    const viaCloudFormation = event.principal.invokedBy === 'cloudformation.amazonaws.com' || event.sourceIp === 'cloudformation.amazonaws.com';
    const severity: Severity = viaCloudFormation ? 'LOW' : switchedOff ? 'CRITICAL' : 'HIGH';
    const what = concurrency === 0 ? 'reserved concurrency set to 0 (the function can no longer run)' : event.eventName;
    return [{
      summary: `${what} on ${names.join(', ')}${viaCloudFormation ? ' (through CloudFormation: a deployment?)' : ''}`,
      resources: names,
      severity,
    }];
  },
};
