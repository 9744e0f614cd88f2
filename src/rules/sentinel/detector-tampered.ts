import type { Severity } from '../../policy/schema.js';
import type { Rule, RuleDocs } from '../rule.js';
import { PARAMETER_PATTERN, targetNames } from './deployment-names.js';
import { LAMBDA_EVENT_OPERATIONS, lambdaChange } from './lambda-events.js';
import { everyBusPermissionRemoved, trailBucketUnannounced } from './outside-resources.js';

const EVENTS_SOURCE = 'events.amazonaws.com';
const LAMBDA_SOURCE = 'lambda.amazonaws.com';
const SNS_SOURCE = 'sns.amazonaws.com';
const SQS_SOURCE = 'sqs.amazonaws.com';
const DYNAMODB_SOURCE = 'dynamodb.amazonaws.com';
const SSM_SOURCE = 'ssm.amazonaws.com';
const IAM_SOURCE = 'iam.amazonaws.com';
const MONITORING_SOURCE = 'monitoring.amazonaws.com';
const LOGS_SOURCE = 'logs.amazonaws.com';
const S3_SOURCE = 's3.amazonaws.com';
const CLOUDFORMATION_SOURCE = 'cloudformation.amazonaws.com';

/** The functions' roles: a policy added to one (the remediator's above all) widens what the detector may do. */
const ROLE_EVENTS = [
  'PutRolePolicy', 'AttachRolePolicy', 'DetachRolePolicy', 'DeleteRolePolicy', 'UpdateAssumeRolePolicy', 'DeleteRole',
  // a permissions boundary caps what the role's policies grant: one that allows nothing blinds the function
  'PutRolePermissionsBoundary', 'DeleteRolePermissionsBoundary',
];

/** Lambda's event source mapping calls: named by UUID, so not filtered by function name. */
const MAPPING_EVENTS = ['DeleteEventSourceMapping20150331', 'UpdateEventSourceMapping20150331'];

/** Rules that must stay in this state: read-only management events (KMS data-key calls, Get*) reach no other. */
const READ_ONLY_RULES = /-(read-only|kms-usage)$/;
const READ_ONLY_STATE = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

/** Changes that switch the detector off outright (an unsubscribed alert topic reaches no one). */
const BLINDING = new Set([
  'DisableRule', 'DeleteRule', 'RemoveTargets', 'DeleteFunction20150331', 'DeleteTopic', 'DeleteQueue', 'DeleteTable', 'DeleteEventSourceMapping20150331', 'DeleteRole',
  'Unsubscribe',
  // the whole deployment at once: rules, functions, topic, tables
  'DeleteStack',
  // the alarms (the heartbeat's above all) are what says the detector went quiet
  'DeleteAlarms', 'DisableAlarmActions',
  // the default bus's statement for the organization: member accounts' forwarded events are refused
  'RemovePermission',
  // the functions may only write to their own log group: deleted, their logs and metrics (heartbeats, findings) stop
  'DeleteLogGroup',
]);

/**
 * The deployment filters these events by the name of the resource they change: serverless names each one
 * sse-sentinel-<stage>-…, and some calls name it inside an ARN or URL (the wildcard then).
 */
const OWN_NAME = { prefix: 'sse-sentinel-' };
function naming(field: string, matchers: readonly object[] = [OWN_NAME]): Record<string, unknown> {
  return { requestParameters: { [field]: matchers } };
}

export const detectorTampered: Rule = {
  id: 'sentinel.detector-tampered',
  title: 'sse-sentinel itself was changed or disabled',
  severity: 'HIGH',
  runbook: [
    '1. If no deployment was running: redeploy with npx serverless deploy --stage <stage> to restore rules, functions and permissions.',
    '2. Investigate the principal ("by"), and replay the CloudTrail log files of the blind period: npx sse-sentinel replay <files>.',
    '3. Protect the stack with an SCP denying events:DisableRule/DeleteRule/RemoveTargets, lambda:PutFunctionConcurrency/DeleteFunction and sns:DeleteTopic on sse-sentinel-* outside the deploy role.',
  ].join('\n'),
  triggers: [
    // its rules, by name
    { eventSource: EVENTS_SOURCE, eventNames: ['DisableRule', 'DeleteRule', 'PutRule'], detailFilter: naming('name') },
    { eventSource: EVENTS_SOURCE, eventNames: ['RemoveTargets', 'PutTargets'], detailFilter: naming('rule') },
    // the default bus's statement that lets the organization's member accounts forward their events
    { eventSource: EVENTS_SOURCE, eventNames: ['RemovePermission', 'PutPermission'] },
    // its functions by name; event source mappings are named by UUID (their function is in the response)
    { eventSource: LAMBDA_SOURCE, eventNames: Object.keys(LAMBDA_EVENT_OPERATIONS).filter((name) => !MAPPING_EVENTS.includes(name)), detailFilter: naming('functionName', [OWN_NAME, { wildcard: '*:function:sse-sentinel-*' }]) },
    { eventSource: LAMBDA_SOURCE, eventNames: MAPPING_EVENTS },
    // its topic, queues, tables and alarms, by name (a new subscriber to the alert topic reads every finding)
    { eventSource: SNS_SOURCE, eventNames: ['DeleteTopic', 'SetTopicAttributes', 'Subscribe'], detailFilter: naming('topicArn', [{ wildcard: '*:sse-sentinel-*' }]) },
    { eventSource: SNS_SOURCE, eventNames: ['Unsubscribe'], detailFilter: naming('subscriptionArn', [{ wildcard: '*:sse-sentinel-*' }]) },
    { eventSource: SQS_SOURCE, eventNames: ['DeleteQueue', 'SetQueueAttributes', 'PurgeQueue'], detailFilter: naming('queueUrl', [{ wildcard: '*/sse-sentinel-*' }]) },
    // a table whose capacity or resource policy changes can throttle or refuse every function
    { eventSource: DYNAMODB_SOURCE, eventNames: ['DeleteTable', 'UpdateTimeToLive', 'UpdateTable'], detailFilter: naming('tableName') },
    { eventSource: DYNAMODB_SOURCE, eventNames: ['PutResourcePolicy', 'DeleteResourcePolicy'], detailFilter: naming('resourceArn', [{ wildcard: '*:table/sse-sentinel-*' }]) },
    { eventSource: SSM_SOURCE, eventNames: ['PutParameter', 'DeleteParameter'], detailFilter: naming('name', PARAMETER_PATTERN) },
    { eventSource: SSM_SOURCE, eventNames: ['DeleteParameters'], detailFilter: naming('names', PARAMETER_PATTERN) },
    { eventSource: IAM_SOURCE, eventNames: ROLE_EVENTS, detailFilter: naming('roleName') },
    { eventSource: MONITORING_SOURCE, eventNames: ['DeleteAlarms', 'DisableAlarmActions'], detailFilter: naming('alarmNames') },
    { eventSource: MONITORING_SOURCE, eventNames: ['PutMetricAlarm'], detailFilter: naming('alarmName') },
    // its stack: deleted (everything at once), or its termination protection lifted
    { eventSource: CLOUDFORMATION_SOURCE, eventNames: ['DeleteStack', 'UpdateTerminationProtection'], detailFilter: naming('stackName', [OWN_NAME, { wildcard: '*:stack/sse-sentinel-*' }]) },
    { eventSource: LOGS_SOURCE, eventNames: ['DeleteLogGroup'], detailFilter: naming('logGroupName', [{ prefix: '/aws/lambda/sse-sentinel-' }]) },
    // the trail bucket's notifications (policy detector.trailBuckets; the deployment adds its own)
    { eventSource: S3_SOURCE, eventNames: ['PutBucketNotification'] },
  ],
  match(event, { policy }) {
    if (event.errorCode) return [];
    if (event.eventSource === S3_SOURCE) return trailBucketUnannounced(event, policy.document.detector.trailBuckets);
    if (event.eventName === 'RemovePermission' && event.requestParameters['removeAllPermissions'] === true) return everyBusPermissionRemoved(event);
    // termination protection turned on is no tampering
    if (event.eventName === 'UpdateTerminationProtection' && event.requestParameters['enableTerminationProtection'] !== false) return [];
    const names = targetNames(event, policy.document.detector.namePrefixes);
    if (names.length === 0) return [];
    const concurrency = event.requestParameters['reservedConcurrentExecutions'];
    const killSwitch = event.eventSource === SSM_SOURCE && names.some((name) => name.endsWith('/remediation-kill-switch'));
    const mappingDisabled = event.eventName === 'UpdateEventSourceMapping20150331' && event.requestParameters['enabled'] === false;
    // PutRule rewrites a rule whole: DISABLED is DisableRule, and a read-only rule put back to plain ENABLED goes deaf
    const ruleState = event.eventName === 'PutRule' ? event.requestParameters['state'] : undefined;
    const ruleOff = ruleState === 'DISABLED' || (typeof ruleState === 'string' && ruleState !== READ_ONLY_STATE && names.some((name) => READ_ONLY_RULES.test(name)));
    const switchedOff = BLINDING.has(event.eventName) || concurrency === 0 || mappingDisabled || ruleOff;
    const viaCloudFormation = event.principal.invokedBy === 'cloudformation.amazonaws.com' || event.sourceIp === 'cloudformation.amazonaws.com';
    const severity: Severity = viaCloudFormation ? 'LOW' : switchedOff ? 'CRITICAL' : 'HIGH';
    const what = concurrency === 0
      ? 'reserved concurrency set to 0 (the function can no longer run)'
      : mappingDisabled ? 'event source mapping disabled (the function no longer reads its queue)'
      : ruleOff ? (ruleState === 'DISABLED' ? 'PutRule disabled the rule' : `PutRule set a read-only rule to ${String(ruleState)} (it receives no read-only events: KMS data-key calls, Get*)`)
      : event.eventName === 'Unsubscribe' ? 'Unsubscribe from the alert topic (its alerts no longer reach that endpoint)'
      : event.eventName === 'RemovePermission' ? 'RemovePermission on the event bus (the organization\'s member accounts can no longer forward their events)'
      : event.eventName === 'DeleteStack' ? 'DeleteStack: the whole deployment is being removed (rules, functions, alert topic, state)'
      : event.eventName === 'UpdateTerminationProtection' ? `termination protection ${event.requestParameters['enableTerminationProtection'] === false ? 'lifted (one DeleteStack now removes the deployment)' : 'changed'}`
      : lambdaChange(event)
      ?? (killSwitch ? `${event.eventName}: the remediation kill switch was changed (every action becomes a dry run unless it reads "off")` : event.eventName);
    return [{
      summary: `${what} on ${names.join(', ')}${viaCloudFormation ? ' (through CloudFormation: a deployment?)' : ''}`,
      resources: names,
      severity,
    }];
  },
};

export const detectorTamperedDocs: RuleDocs = {
  description:
    'A change to this deployment\'s own EventBridge rules, Lambda functions, alert topic, queues, state table, IAM roles or ' +
    'SSM parameters (remediation kill switch, Slack webhook) (matched by the name prefixes in the policy file, "sse-sentinel-" by ' +
    'default): disabling or deleting them, removing targets, setting reserved concurrency to 0 or removing it, letting another ' +
    'principal invoke a function or giving it a function URL, changing its retries or on-failure destination, disabling or deleting the queues\' ' +
    'event source mappings, unsubscribing from the alert topic (or subscribing to it: every finding is read there), deleting its ' +
    'alarms or disabling their actions, deleting its log groups, a permissions boundary on its roles, changing code, configuration or ' +
    'role policies, turning remediation off; and a notification configuration of a trail bucket (detector.trailBuckets, ' +
    'the deployment\'s own added) without EventBridge, which stops the log-file replay; the default event bus\'s statement ' +
    'that lets an organization\'s member accounts forward their events removed or changed; its CloudFormation stack deleted ' +
    '(CRITICAL) or its termination protection lifted. Someone about to tamper with encryption blinds the detector first (IAM events reach ' +
    'EventBridge in us-east-1 only: deploy there to see them). ' +
    'CRITICAL for changes that switch it off; LOW when CloudFormation makes the change (a deployment).',
  references: ['MITRE ATT&CK T1562.001 Impair Defenses: Disable or Modify Tools', 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-logging-monitoring.html'],
  fixtures: {
    positive: [
      'sentinel/DisableRule.json', 'sentinel/PutFunctionConcurrency.zero.json', 'sentinel/PutParameter.kill-switch.json', 'sentinel/PutRolePolicy.remediator.json',
      'sentinel/UpdateEventSourceMapping.disabled.json', 'sentinel/DeleteEventSourceMapping.json', 'sentinel/Unsubscribe.alert-topic.json',
      'sentinel/PutRule.disabled.json', 'sentinel/PutRule.read-only-downgraded.json', 'sentinel/DisableAlarmActions.heartbeat.json',
      'sentinel/DeleteLogGroup.processor.json', 'sentinel/Subscribe.alert-topic.json', 'sentinel/AddPermission.processor.json',
      'sentinel/DeleteFunctionConcurrency.processor.json', 'sentinel/PutFunctionEventInvokeConfig.processor.json', 'sentinel/CreateFunctionUrlConfig.remediator.json',
      'sentinel/PutBucketNotification.trail-bucket-eventbridge-off.json', 'sentinel/RemovePermission.organization.json',
      'sentinel/DeleteStack.json', 'sentinel/UpdateTerminationProtection.lifted.json',
    ],
    negative: [
      'sentinel/DisableRule.other-rule.json', 'sentinel/UpdateFunctionConfiguration.by-cloudformation-other.json', 'sentinel/PutParameter.heartbeat.json', 'sentinel/Unsubscribe.other-topic.json',
      'sentinel/DeleteAlarms.other-alarms.json', 'sentinel/AddPermission.other-function.json', 'sentinel/PutBucketNotification.trail-bucket-eventbridge-kept.json',
      'sentinel/RemovePermission.other-statement.json', 'sentinel/DeleteStack.other-stack.json',
    ],
  },
};
