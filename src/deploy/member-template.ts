/**
 * The CloudFormation template for member accounts of an AWS Organization: one forwarding rule per hub rule, with the
 * same event pattern and state, sending matching events to the hub account's default event bus, where the hub's own
 * rules (the deployed serverless.yml) process them as they process the hub's own events. Generated from the hub's
 * `serverless package` output, so the two cannot drift apart (a test compares the committed file with a fresh one).
 */
export interface CfnTemplate {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; Condition?: string }>;
}

export const MEMBER_RULE_PREFIX = 'sse-sentinel-member-';

const HUB_BUS = {
  'Fn::Sub': [
    'arn:${AWS::Partition}:events:${Region}:${HubAccountId}:event-bus/default',
    { Region: { 'Fn::If': ['HubInThisRegion', { Ref: 'AWS::Region' }, { Ref: 'HubRegion' }] } },
  ],
};

/**
 * The hub's own loop guard names its remediator role (a stage-specific name): it has no business in member accounts,
 * where the remediator never acts, and the hub applies it again when the events arrive.
 */
function withoutRemediatorGuard(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutRemediatorGuard);
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (key === 'userIdentity' && JSON.stringify(child).includes('-remediator/')) continue;
    out[key] = withoutRemediatorGuard(child);
  }
  return out;
}

/** Rules of the hub that read CloudTrail or KMS events of any account. */
function forwardedRules(hub: CfnTemplate): { id: string; state: string; pattern: Record<string, unknown> }[] {
  return Object.entries(hub.Resources)
    .filter(([, r]) => r.Type === 'AWS::Events::Rule' && r.Properties?.['EventPattern'])
    .map(([id, r]) => ({ id, state: String(r.Properties!['State'] ?? 'ENABLED'), pattern: withoutRemediatorGuard(r.Properties!['EventPattern']) as Record<string, unknown> }))
    // not the hub's trail-bucket objects, nor its own heartbeat parameter
    .filter(({ pattern }) => !JSON.stringify(pattern['detail-type'] ?? []).includes('Object Created') && !JSON.stringify(pattern).includes('/heartbeat'))
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** "processor rule 3" for the framework's stage-named logical ids, the logical id otherwise. */
function label(id: string): string {
  const framework = /^Ssesentinel.*?(processor|usage|logfile|remediator)rule(\d+)EventBridgeRule$/.exec(id);
  return framework ? `${framework[1]} rule ${framework[2]}` : id;
}

export function memberTemplate(hub: CfnTemplate): Record<string, unknown> {
  const rules = forwardedRules(hub);
  const resources: Record<string, unknown> = {
    ForwardingRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        },
        Policies: [{
          PolicyName: 'forward-to-hub',
          PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: HUB_BUS }] },
        }],
      },
    },
    ForwardingDeadLetterQueue: {
      Type: 'AWS::SQS::Queue',
      Properties: { QueueName: `${MEMBER_RULE_PREFIX}failed-events`, MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true },
    },
    ForwardingDeadLetterQueuePolicy: {
      Type: 'AWS::SQS::QueuePolicy',
      Properties: {
        Queues: [{ Ref: 'ForwardingDeadLetterQueue' }],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [{
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Resource: { 'Fn::GetAtt': ['ForwardingDeadLetterQueue', 'Arn'] },
            Condition: { ArnLike: { 'aws:SourceArn': { 'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/${MEMBER_RULE_PREFIX}*` } } },
          }],
        },
      },
    },
    ForwardingDeadLetterAlarm: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: `${MEMBER_RULE_PREFIX}failed-events`,
        AlarmDescription: 'sse-sentinel: events this account could not forward to the hub',
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['ForwardingDeadLetterQueue', 'QueueName'] } }],
        Statistic: 'Maximum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: { 'Fn::If': ['HasAlarmTopic', [{ Ref: 'AlarmTopicArn' }], { Ref: 'AWS::NoValue' }] },
      },
    },
  };
  rules.forEach((rule, index) => {
    const n = String(index + 1).padStart(2, '0');
    resources[`Forward${n}`] = {
      Type: 'AWS::Events::Rule',
      Properties: {
        Name: `${MEMBER_RULE_PREFIX}${n}`,
        Description: `sse-sentinel: forwards to the hub what its ${label(rule.id)} reads`,
        State: rule.state,
        EventPattern: rule.pattern,
        Targets: [{
          Id: 'hub',
          Arn: HUB_BUS,
          RoleArn: { 'Fn::GetAtt': ['ForwardingRole', 'Arn'] },
          RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['ForwardingDeadLetterQueue', 'Arn'] } },
        }],
      },
    };
  });
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'sse-sentinel member account: forwards the CloudTrail and KMS events the hub reads to the hub account\'s default event bus. Generated by npm run member-template; deploy it with a StackSet across the organization.',
    Parameters: {
      HubAccountId: { Type: 'String', AllowedPattern: '^\\d{12}$', Description: 'The account running sse-sentinel (deployed with --param="organizationId=o-…")' },
      HubRegion: { Type: 'String', Default: '', Description: 'The hub\'s Region; empty means this stack\'s Region' },
      AlarmTopicArn: { Type: 'String', Default: '', Description: 'SNS topic for the dead-letter alarm (optional)' },
    },
    Conditions: {
      HubInThisRegion: { 'Fn::Equals': [{ Ref: 'HubRegion' }, ''] },
      HasAlarmTopic: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'AlarmTopicArn' }, ''] }] },
    },
    Resources: resources,
  };
}
