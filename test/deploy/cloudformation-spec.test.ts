import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkTemplate, cloudFormationSpec, resourceSpec } from './cloudformation-spec.js';
import { ROOT } from '../helpers.js';

/** The member-account template (deploy/member-account.json): real, small, and every kind of reference in it. */
let member: Record<string, any>;
const fresh = (): Record<string, any> => structuredClone(member);

beforeAll(async () => {
  member = JSON.parse(await readFile(join(ROOT, 'deploy', 'member-account.json'), 'utf8'));
  await cloudFormationSpec();
});

async function problemsAfter(change: (template: Record<string, any>) => void): Promise<string[]> {
  const template = fresh();
  change(template);
  return (await checkTemplate(template)).map((p) => `${p.path}: ${p.reason}`);
}

describe('the CloudFormation template check', () => {
  it('accepts the member-account template as it is', async () => {
    expect(await checkTemplate(fresh())).toEqual([]);
  });

  it('names an unknown resource type, property or nested property by its path', async () => {
    expect(await problemsAfter((t) => (t.Resources.Forward02.Type = 'AWS::Events::Rules'))).toEqual(['Resources.Forward02.Type: AWS::Events::Rules is not a CloudFormation resource type']);
    expect(await problemsAfter((t) => (t.Resources.ForwardingDeadLetterQueue.Properties.SqsManagedSSEEnabled = true))).toEqual([
      expect.stringMatching(/^Resources\.ForwardingDeadLetterQueue\.Properties\.SqsManagedSSEEnabled: not a property here \(known: .*SqsManagedSseEnabled/),
    ]);
    // a misspelt DeadLetterConfig inside a rule's target (a nested type of the specification)
    expect(await problemsAfter((t) => {
      const target = t.Resources.Forward02.Properties.Targets[0];
      target.DeadLetterQueue = target.DeadLetterConfig;
      delete target.DeadLetterConfig;
    })).toEqual([expect.stringMatching(/^Resources\.Forward02\.Properties\.Targets\[0\]\.DeadLetterQueue: not a property here/)]);
  });

  it('rejects values outside a property\'s enumeration, and values of the wrong type', async () => {
    expect(await problemsAfter((t) => (t.Resources.Forward01.Properties.State = 'ENABLED_WITH_ALL_MANAGEMENT_EVENTS'))).toEqual([
      'Resources.Forward01.Properties.State: ENABLED_WITH_ALL_MANAGEMENT_EVENTS is not one of DISABLED, ENABLED, ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
    ]);
    expect(await problemsAfter((t) => (t.Resources.ForwardingDeadLetterQueue.Properties.MessageRetentionPeriod = 'two weeks'))).toEqual([
      'Resources.ForwardingDeadLetterQueue.Properties.MessageRetentionPeriod: expected a number, got string "two weeks"',
    ]);
    // numbers written as strings are what CloudFormation accepts too
    expect(await problemsAfter((t) => (t.Resources.ForwardingDeadLetterQueue.Properties.MessageRetentionPeriod = '1209600'))).toEqual([]);
    expect(await problemsAfter((t) => (t.Resources.Forward02.Properties.Targets = { Arn: 'x', Id: 'y' }))).toEqual(['Resources.Forward02.Properties.Targets: expected a list, got an object']);
    expect(await problemsAfter((t) => (t.Resources.Forward02.Properties.Targets = { 'Fn::Join': ['', ['a']] }))).toEqual(['Resources.Forward02.Properties.Targets: Fn::Join does not return a list']);
  });

  it('finds every required property of every resource missing when it is taken away', async () => {
    const spec = await cloudFormationSpec();
    let checked = 0;
    for (const [id, resource] of Object.entries(fresh().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>)) {
      const type = resourceSpec(spec, resource.Type)!;
      for (const [name, property] of Object.entries(type.properties)) {
        if (!property.required) continue;
        expect(await problemsAfter((t) => delete t.Resources[id].Properties[name])).toEqual([`Resources.${id}.Properties.${name}: required, missing`]);
        checked++;
      }
    }
    // the role's AssumeRolePolicyDocument, the queue policy's PolicyDocument and Queues
    expect(checked).toBe(3);
    // and inside nested types: a rule target's Arn and Id
    expect(await problemsAfter((t) => delete t.Resources.Forward02.Properties.Targets[0].Arn)).toEqual(['Resources.Forward02.Properties.Targets[0].Arn: required, missing']);
  });

  it('resolves Ref, Fn::GetAtt, Fn::Sub, conditions and DependsOn against the template', async () => {
    expect(await problemsAfter((t) => (t.Resources.ForwardingDeadLetterQueuePolicy.Properties.Queues = [{ Ref: 'ForwardingDLQ' }]))).toEqual([
      'Resources.ForwardingDeadLetterQueuePolicy.Properties.Queues[0]: ForwardingDLQ is not a parameter or resource of the template',
    ]);
    expect(await problemsAfter((t) => (t.Resources.Forward02.Properties.Targets[0].RoleArn = { 'Fn::GetAtt': ['ForwardingRole', 'RoleArn'] }))).toEqual([
      'Resources.Forward02.Properties.Targets[0].RoleArn: AWS::IAM::Role has no attribute RoleArn (it has Arn, RoleId)',
    ]);
    expect(await problemsAfter((t) => (t.Resources.Forward02.Properties.Targets[0].RoleArn = { 'Fn::GetAtt': 'Missing.Arn' }))).toEqual([
      'Resources.Forward02.Properties.Targets[0].RoleArn: Fn::GetAtt: Missing is not a resource of the template',
    ]);
    // in a policy document (a JSON property) too; ${!literal} is no reference, Fn::Sub variables are
    expect(await problemsAfter((t) => (t.Resources.ForwardingDeadLetterQueuePolicy.Properties.PolicyDocument.Statement[0].Resource = { 'Fn::Sub': 'arn:${AWS::Partition}:sqs:${AWS::Region}:${HubAcount}:q' }))).toEqual([
      'Resources.ForwardingDeadLetterQueuePolicy.Properties.PolicyDocument.Statement[0].Resource: HubAcount is not a parameter or resource of the template',
    ]);
    expect(await problemsAfter((t) => (t.Resources.ForwardingDeadLetterQueuePolicy.Properties.PolicyDocument.Statement[0].Resource = { 'Fn::Sub': ['${!Literal}:${Name}:${ForwardingRole.Arn}', { Name: 'x' }] }))).toEqual([]);
    expect(await problemsAfter((t) => (t.Resources.ForwardingDeadLetterQueuePolicy.Properties.PolicyDocument.Statement[0].Resource = { 'Fn::Sub': '${ForwardingRole.Arnn}' }))).toEqual([
      expect.stringMatching(/AWS::IAM::Role has no attribute Arnn/),
    ]);
    expect(await problemsAfter((t) => (t.Resources.ForwardingDeadLetterAlarm.Condition = 'HasAlarmTopics'))).toEqual(['Resources.ForwardingDeadLetterAlarm.Condition: HasAlarmTopics is not a condition of the template']);
    expect(await problemsAfter((t) => (t.Resources.Forward02.DependsOn = ['ForwardingRole', 'ForwardingQueue']))).toEqual(['Resources.Forward02.DependsOn: ForwardingQueue is not a resource of the template']);
    expect(await problemsAfter((t) => (t.Resources.Forward02.Properties.Description = { 'Fn::If': ['HubInThisRegon', 'a', 'b'] }))).toEqual(['Resources.Forward02.Properties.Description: HubInThisRegon is not a condition of the template']);
  });

  it('rejects unknown template sections and resource attributes', async () => {
    expect(await problemsAfter((t) => (t.Output = {}))).toEqual(['Output: not a template section']);
    expect(await problemsAfter((t) => (t.Resources.Forward02.DeletePolicy = 'Retain'))).toEqual(['Resources.Forward02.DeletePolicy: not a resource attribute']);
    expect(await problemsAfter((t) => (t.Resources.Forward02.DeletionPolicy = 'Keep'))).toEqual(['Resources.Forward02.DeletionPolicy: Keep is not a deletion policy']);
  });
});
