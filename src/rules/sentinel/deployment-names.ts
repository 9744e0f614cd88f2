import type { CloudTrailEvent } from '../../events/types.js';

const SSM_SOURCE = 'ssm.amazonaws.com';

/** The deployment's parameters a person may change; the heartbeat is written by the doctor every 15 minutes. */
const WATCHED_PARAMETERS = /\/(remediation-kill-switch|slack-webhook)$/;
/** The same parameters as an EventBridge pattern (the deployment filters with it). */
export const PARAMETER_PATTERN = [{ wildcard: '/sse-sentinel/*/remediation-kill-switch' }, { wildcard: '/sse-sentinel/*/slack-webhook' }];

/** The last part of an ARN or path: a rule, topic, queue or table name. */
export function lastSegment(text: string): string {
  return text.split(/[:/]/).pop() ?? text;
}

/**
 * Lambda takes a function as a name, an ARN or a partial ARN (account:function:name), each with an optional version or
 * alias after a colon: the name is the part after "function", or the first.
 */
function functionNameOf(text: string): string {
  const parts = text.split(':');
  const at = parts.indexOf('function');
  return (at >= 0 ? parts[at + 1] : parts[0]) ?? text;
}

/** The names of the resources an event changes, from the request fields each service uses. */
export function targetNames(event: CloudTrailEvent, prefixes: readonly string[]): string[] {
  const request = event.requestParameters;
  if (event.eventSource === SSM_SOURCE) {
    // SSM parameters are paths: /sse-sentinel/<stage>/<name> for the name prefix "sse-sentinel-"
    const paths = prefixes.map((prefix) => `/${prefix.replace(/-$/, '')}/`);
    const names = [request['name'], ...(Array.isArray(request['names']) ? request['names'] : [])].filter((v): v is string => typeof v === 'string');
    return names.filter((name) => paths.some((path) => name.startsWith(path)) && WATCHED_PARAMETERS.test(name));
  }
  const fields = ['name', 'rule', 'topicArn', 'queueUrl', 'tableName', 'resourceArn', 'roleName', 'alarmName', 'logGroupName'];
  const names = fields.map((f) => request[f]).filter((v): v is string => typeof v === 'string' && v.length > 0).map(lastSegment);
  if (typeof request['functionName'] === 'string') names.push(functionNameOf(request['functionName']));
  // the event bus's statements (a Lambda permission's statement id names nothing of ours: its function does)
  if (event.eventSource === 'events.amazonaws.com' && typeof request['statementId'] === 'string') names.push(request['statementId']);
  // CloudWatch names the alarms a call acts on in a list; CloudFormation named this deployment's <stack>-<id>-<suffix>
  if (Array.isArray(request['alarmNames'])) names.push(...request['alarmNames'].filter((v): v is string => typeof v === 'string'));
  // an event source mapping is named by its UUID: the function and queue it joins are in the response
  const functionArn = event.responseElements['functionArn'];
  if (typeof functionArn === 'string') names.push(functionNameOf(functionArn));
  const sourceArn = event.responseElements['eventSourceArn'];
  if (typeof sourceArn === 'string') names.push(lastSegment(sourceArn));
  // a stack is named by name or by its id, arn:aws:cloudformation:<region>:<account>:stack/<name>/<guid>
  const stack = request['stackName'];
  if (typeof stack === 'string') names.push(/:stack\/([^/]+)\//.exec(stack)?.[1] ?? stack);
  // a subscription's ARN is its topic's ARN and its own id: arn:aws:sns:<region>:<account>:<topic>:<id>
  const subscription = request['subscriptionArn'];
  if (typeof subscription === 'string') names.push(subscription.split(':').at(-2) ?? '');
  return [...new Set(names)].filter((name) => prefixes.some((prefix) => name.startsWith(prefix)));
}
