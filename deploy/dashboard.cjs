// The deployment's CloudWatch dashboard (serverless.yml, Resources.Dashboard), as the JSON of its body: findings by
// severity; the heartbeat and the self-checks; each function's invocations, errors, throttles and duration; the queues'
// backlog and the failed-events queue; the rules' failed deliveries; how the posture was read. `${AWS::Region}` is left
// for Fn::Sub. A package test holds every metric here to what the functions emit and every name to the template.
const FUNCTIONS = ['processor', 'usage', 'logfile', 'remediator', 'doctor', 'inventory'];
const FINDINGS = ['CriticalFindings', 'HighFindings', 'MediumFindings', 'LowFindings', 'InfoFindings'];

function widget(x, y, title, properties) {
  return { type: 'metric', x, y, width: 12, height: 6, properties: { title, region: '${AWS::Region}', period: 300, view: 'timeSeries', ...properties } };
}

function dashboardBody(stage) {
  const name = (suffix) => `sse-sentinel-${stage}-${suffix}`;
  const own = (metric, stat) => ['SseSentinel', metric, 'stage', stage, { stat }];
  const lambda = (metric) => FUNCTIONS.map((fn) => ['AWS/Lambda', metric, 'FunctionName', name(fn), { label: fn }]);
  const widgets = [
    widget(0, 0, 'Findings by severity', { stacked: true, stat: 'Sum', metrics: FINDINGS.map((metric) => own(metric, 'Sum')) }),
    widget(12, 0, 'Heartbeats back through the pipeline, failed self-checks', {
      period: 900, metrics: [own('HeartbeatsReceived', 'Sum'), own('SelfCheckFailures', 'Maximum')],
    }),
    widget(0, 6, 'Invocations', { stat: 'Sum', metrics: lambda('Invocations') }),
    widget(12, 6, 'Errors and throttles', { stat: 'Sum', metrics: [...lambda('Errors'), ...lambda('Throttles')] }),
    widget(0, 12, 'Duration (p99)', { stat: 'p99', metrics: lambda('Duration') }),
    widget(12, 12, 'Queues: backlog age and waiting, failed events', {
      stat: 'Maximum',
      metrics: [
        ['AWS/SQS', 'ApproximateAgeOfOldestMessage', 'QueueName', name('usage'), { label: 'usage: oldest (s)' }],
        ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', name('usage'), { label: 'usage: waiting' }],
        ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', name('remediation'), { label: 'remediation: waiting' }],
        ['AWS/SQS', 'ApproximateAgeOfOldestMessage', 'QueueName', name('remediation'), { label: 'remediation: oldest (s)' }],
        ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', name('failed-events'), { label: 'failed events' }],
      ],
    }),
    widget(0, 18, 'Rules: failed deliveries', {
      stat: 'Sum',
      // unquoted: a partial match on the name's words, so every rule of this stage
      metrics: [[{ expression: `SEARCH('{AWS/Events,RuleName} MetricName="FailedInvocations" RuleName=sse-sentinel-${stage}', 'Sum', 300)`, id: 'rules', label: '' }]],
    }),
    widget(12, 18, 'Posture reads: scans, catch-ups', { stat: 'Sum', metrics: [own('PostureScans', 'Sum'), own('PostureCatchUps', 'Sum')] }),
  ];
  return JSON.stringify({ widgets });
}

module.exports = { dashboardBody, FUNCTIONS, FINDINGS };
// serverless.yml: ${file(./deploy/dashboard.cjs):body}
module.exports.body = async ({ resolveVariable }) => dashboardBody(await resolveVariable('sls:stage'));
