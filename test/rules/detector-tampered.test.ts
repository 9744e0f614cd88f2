import { readFile, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENTS, examplePolicy, replayFiles } from '../helpers.js';

/** The detector rule's severity for a sentinel fixture, or for a variant of it (its CloudTrail detail changed). */
async function finding(fixture: string, change?: (detail: Record<string, any>) => void) {
  let path = join(EVENTS, 'sentinel', fixture);
  if (change) {
    const envelope = JSON.parse(await readFile(path, 'utf8'));
    change(envelope.detail);
    path = join(await mkdtemp(join(tmpdir(), 'sentinel-')), fixture);
    await writeFile(path, JSON.stringify(envelope));
  }
  const { findings } = await replayFiles([path], await examplePolicy());
  return findings.find((f) => f.ruleId === 'sentinel.detector-tampered');
}

async function severity(fixture: string, change?: (detail: Record<string, any>) => void): Promise<string | undefined> {
  return (await finding(fixture, change))?.severity;
}

describe('sentinel.detector-tampered severities', () => {
  it('is CRITICAL for what switches the detector off: a disabled rule, a deaf read-only rule, a stopped poller, an unsubscribed topic', async () => {
    for (const fixture of ['DisableRule.json', 'PutRule.disabled.json', 'PutRule.read-only-downgraded.json', 'UpdateEventSourceMapping.disabled.json', 'DeleteEventSourceMapping.json', 'Unsubscribe.alert-topic.json', 'PutFunctionConcurrency.zero.json', 'DisableAlarmActions.heartbeat.json', 'DeleteLogGroup.processor.json']) {
      expect(await severity(fixture), fixture).toBe('CRITICAL');
    }
  });

  it('is HIGH for changes that leave it running, and LOW when CloudFormation makes them', async () => {
    // a read-only rule put again in the state it needs, a mapping's batch size changed
    expect(await severity('PutRule.read-only-downgraded.json', (d) => (d.requestParameters.state = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'))).toBe('HIGH');
    expect(await severity('PutRule.disabled.json', (d) => (d.requestParameters.state = 'ENABLED'))).toBe('HIGH');
    expect(await severity('UpdateEventSourceMapping.disabled.json', (d) => { delete d.requestParameters.enabled; d.requestParameters.batchSize = 10; })).toBe('HIGH');
    expect(await severity('PutRule.disabled.json', (d) => { d.sourceIPAddress = 'cloudformation.amazonaws.com'; d.userAgent = 'cloudformation.amazonaws.com'; })).toBe('LOW');
    // an alarm of this deployment changed (its threshold, its actions), not switched off
    expect(await severity('DisableAlarmActions.heartbeat.json', (d) => { d.eventName = 'PutMetricAlarm'; d.requestParameters = { alarmName: 'sse-sentinel-prod-HeartbeatMissingAlarm-1XQ2KD8ZB3Y4F', threshold: 0 }; })).toBe('HIGH');
    // a new subscriber reads every finding; a boundary caps a role; a table's capacity changed
    expect(await severity('Subscribe.alert-topic.json')).toBe('HIGH');
    expect(await severity('PutRolePolicy.remediator.json', (d) => { d.eventName = 'PutRolePermissionsBoundary'; d.requestParameters = { roleName: d.requestParameters.roleName, permissionsBoundary: 'arn:aws:iam::111122223333:policy/deny-all' }; })).toBe('HIGH');
    expect(await severity('DeleteLogGroup.processor.json', (d) => { d.eventSource = 'dynamodb.amazonaws.com'; d.eventName = 'UpdateTable'; d.requestParameters = { tableName: 'sse-sentinel-prod-state', billingMode: 'PROVISIONED' }; })).toBe('HIGH');
    // another application's log group: no finding
    expect(await severity('DeleteLogGroup.processor.json', (d) => (d.requestParameters.logGroupName = '/aws/lambda/billing-api'))).toBeUndefined();
    // another application's mapping: no finding
    expect(await severity('UpdateEventSourceMapping.disabled.json', (d) => { d.responseElements.functionArn = 'arn:aws:lambda:us-east-1:111122223333:function:billing'; d.responseElements.eventSourceArn = 'arn:aws:sqs:us-east-1:111122223333:billing'; })).toBeUndefined();
  });

  it('watches how its functions may be invoked: reservations, permissions, function URLs, retries and failure destinations', async () => {
    for (const fixture of ['AddPermission.processor.json', 'DeleteFunctionConcurrency.processor.json', 'PutFunctionEventInvokeConfig.processor.json', 'CreateFunctionUrlConfig.remediator.json']) {
      expect(await severity(fixture), fixture).toBe('HIGH');
    }
    expect((await finding('AddPermission.processor.json'))?.summary).toContain('444455556666 may now invoke the function');
    expect((await finding('CreateFunctionUrlConfig.remediator.json'))?.summary).toContain('AuthType NONE: anyone on the internet');
    expect((await finding('CreateFunctionUrlConfig.remediator.json', (d) => (d.requestParameters.authType = 'AWS_IAM')))?.summary).toContain('gets an HTTPS endpoint');
    expect((await finding('DeleteFunctionConcurrency.processor.json'))?.summary).toContain('reserved concurrency removed');
    // CloudFormation granting EventBridge its invoke permission at deploy time
    expect(await severity('AddPermission.processor.json', (d) => { d.sourceIPAddress = 'cloudformation.amazonaws.com'; d.userAgent = 'cloudformation.amazonaws.com'; })).toBe('LOW');
    expect(await severity('AddPermission.other-function.json')).toBeUndefined();
    // another function's permission, whatever its statement is called
    expect(await severity('AddPermission.other-function.json', (d) => (d.requestParameters.statementId = 'sse-sentinel-lookalike'))).toBeUndefined();
  });

  it('knows a function however Lambda lets the caller name it: name, ARN, partial ARN, with a version or alias', async () => {
    for (const name of ['sse-sentinel-prod-processor', 'sse-sentinel-prod-processor:live', 'arn:aws:lambda:us-east-1:111122223333:function:sse-sentinel-prod-processor:$LATEST', '111122223333:function:sse-sentinel-prod-processor', 'arn:aws-cn:lambda:cn-north-1:111122223333:function:sse-sentinel-prod-processor']) {
      const found = await finding('DeleteFunctionConcurrency.processor.json', (d) => (d.requestParameters.functionName = name));
      expect(found?.resources, name).toEqual(['sse-sentinel-prod-processor']);
    }
    for (const name of ['billing-api:sse-sentinel-prod', 'arn:aws:lambda:us-east-1:111122223333:function:billing:sse-sentinel-alias']) {
      expect(await severity('DeleteFunctionConcurrency.processor.json', (d) => (d.requestParameters.functionName = name)), name).toBeUndefined();
    }
  });

  it('is CRITICAL when a trail bucket stops sending its events to EventBridge, and silent while it still does', async () => {
    const off = await finding('PutBucketNotification.trail-bucket-eventbridge-off.json');
    expect(off).toMatchObject({ severity: 'CRITICAL', resources: ['arn:aws:s3:::org-trail-logs'] });
    expect(off?.summary).toContain('no longer sends its events to EventBridge');
    // a configuration emptied of every notification
    expect(await severity('PutBucketNotification.trail-bucket-eventbridge-off.json', (d) => (d.requestParameters.NotificationConfiguration = { xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' }))).toBe('CRITICAL');
    // EventBridge kept, rendered as "" or {}
    expect(await severity('PutBucketNotification.trail-bucket-eventbridge-kept.json')).toBeUndefined();
    expect(await severity('PutBucketNotification.trail-bucket-eventbridge-kept.json', (d) => (d.requestParameters.NotificationConfiguration.EventBridgeConfiguration = {}))).toBeUndefined();
    // another bucket's notifications, or a call that failed
    expect(await severity('PutBucketNotification.trail-bucket-eventbridge-off.json', (d) => (d.requestParameters.bucketName = 'media-uploads'))).toBeUndefined();
    expect(await severity('PutBucketNotification.trail-bucket-eventbridge-off.json', (d) => (d.errorCode = 'AccessDenied'))).toBeUndefined();
  });

  it('watches the default bus\'s statement that lets the organization\'s member accounts forward their events', async () => {
    expect(await finding('RemovePermission.organization.json')).toMatchObject({ severity: 'CRITICAL', resources: ['sse-sentinel-prod-organization'] });
    // the statement put again (another organization, another condition)
    expect(await severity('RemovePermission.organization.json', (d) => { d.eventName = 'PutPermission'; d.requestParameters = { statementId: 'sse-sentinel-prod-organization', action: 'events:PutEvents', principal: '*', condition: { type: 'StringEquals', key: 'aws:PrincipalOrgID', value: 'o-other' } }; })).toBe('HIGH');
    // every statement removed at once, on the default bus (named or not), not on another bus
    expect(await severity('RemovePermission.other-statement.json', (d) => { d.requestParameters = { removeAllPermissions: true }; })).toBe('HIGH');
    expect(await severity('RemovePermission.other-statement.json', (d) => { d.requestParameters = { removeAllPermissions: true, eventBusName: 'arn:aws:events:us-east-1:111122223333:event-bus/default' }; })).toBe('HIGH');
    expect(await severity('RemovePermission.other-statement.json', (d) => { d.requestParameters = { removeAllPermissions: true, eventBusName: 'partner-bus' }; })).toBeUndefined();
    expect(await severity('RemovePermission.other-statement.json')).toBeUndefined();
  });

  it('watches its stack: deleted (named by name or id) is CRITICAL, termination protection lifted HIGH, turned on nothing', async () => {
    expect(await finding('DeleteStack.json')).toMatchObject({ severity: 'CRITICAL', resources: ['sse-sentinel-prod'] });
    expect(await severity('DeleteStack.json', (d) => (d.requestParameters.stackName = 'sse-sentinel-prod'))).toBe('CRITICAL');
    expect(await severity('UpdateTerminationProtection.lifted.json')).toBe('HIGH');
    expect(await severity('UpdateTerminationProtection.lifted.json', (d) => (d.requestParameters.enableTerminationProtection = true))).toBeUndefined();
    expect(await severity('DeleteStack.other-stack.json')).toBeUndefined();
    expect(await severity('DeleteStack.other-stack.json', (d) => (d.requestParameters.stackName = 'arn:aws:cloudformation:us-east-1:111122223333:stack/billing-api-prod/5b8f6a40-cf0b-11ef-9d2e-0affe1b2c3d4'))).toBeUndefined();
  });
});
