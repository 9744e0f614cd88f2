import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkIamStatements } from './iam-reference.js';
import { ROOT } from '../helpers.js';

/** A template with a table, a queue, a bucket and one role whose single statement is the one under test. */
function withStatement(statement: Record<string, unknown>): Record<string, unknown> {
  return {
    Resources: {
      Table: { Type: 'AWS::DynamoDB::Table', Properties: {} },
      Queue: { Type: 'AWS::SQS::Queue', Properties: {} },
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: { AssumeRolePolicyDocument: {}, Policies: [{ PolicyName: 'p', PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', ...statement }] } }] },
      },
    },
  };
}

const sub = (text: string) => ({ 'Fn::Sub': text });

async function reasons(statement: Record<string, unknown>): Promise<string[]> {
  return (await checkIamStatements(withStatement(statement))).map((problem) => problem.reason);
}

let member: Record<string, unknown>;
beforeAll(async () => {
  member = JSON.parse(await readFile(join(ROOT, 'deploy', 'member-account.json'), 'utf8'));
});

describe('the IAM statement check', () => {
  it('accepts the member-account template\'s statements as they are', async () => {
    expect(await checkIamStatements(member)).toEqual([]);
  });

  it('names actions that do not exist, services that do not, and wildcards that match nothing', async () => {
    expect(await reasons({ Action: 'events:PutEvent', Resource: '*' })).toEqual(['events:PutEvent is not an action of events']);
    expect(await reasons({ Action: 's3table:GetTableBucketEncryption', Resource: '*' })).toEqual(['s3table:GetTableBucketEncryption: no service s3table in the Service Authorization Reference']);
    expect(await reasons({ Action: ['kms:Gett*'], Resource: '*' })).toEqual(['kms:Gett* matches no action of kms']);
    // action names are not case-sensitive in IAM
    expect(await reasons({ Action: ['kms:describekey', 'kms:Get*'], Resource: '*' })).toEqual([]);
  });

  it('holds each action to the resource types it takes', async () => {
    // no resource type: only "*" grants it
    expect(await reasons({ Action: 'kms:ListAliases', Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/*' } })).toEqual([
      'kms:ListAliases takes no resource: it must be granted on "*", not arn:aws:kms:us-east-1:111122223333:key/*',
    ]);
    // an object ARN where the bucket's is meant: the statement grants nothing
    expect(await reasons({ Action: 's3:GetBucketPolicy', Resource: sub('arn:${AWS::Partition}:s3:::data/*') })).toEqual([expect.stringMatching(/^s3:GetBucketPolicy is not granted on arn:aws:s3:::data\/\*: it takes .*arn:\$\{Partition\}:s3:::\$\{BucketName\}$/)]);
    expect(await reasons({ Action: ['s3:GetObject'], Resource: sub('arn:${AWS::Partition}:s3:::data') })).toEqual([expect.stringMatching(/^s3:GetObject is not granted on arn:aws:s3:::data: it takes .*\$\{BucketName\}\/\$\{ObjectName\}/)]);
    expect(await reasons({ Action: ['s3:GetObject'], Resource: sub('arn:${AWS::Partition}:s3:::data/*') })).toEqual([]);
    expect(await reasons({ Action: ['s3:GetBucketPolicy'], Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::*' } })).toEqual([]);
    // a log group ARN ending in :* names its streams
    expect(await reasons({ Action: ['logs:PutLogEvents'], Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/f:*' } })).toEqual([]);
    expect(await reasons({ Action: ['logs:PutLogEvents'], Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/f' } })).toEqual([
      expect.stringMatching(/^logs:PutLogEvents is not granted on arn:aws:logs:us-east-1:111122223333:log-group:\/aws\/lambda\/f: it takes/),
    ]);
  });

  it('wants the partition of an ARN from AWS::Partition, not written out', async () => {
    expect(await reasons({ Action: 's3:GetObject', Resource: ['arn:aws:s3:::data/*', { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::logs/*' }] })).toEqual([
      'arn:aws:s3:::data/* names the aws partition: write arn:${AWS::Partition}:… in a Fn::Sub',
    ]);
  });

  it('resolves Fn::GetAtt and Ref of the template\'s resources to what they return', async () => {
    expect(await reasons({ Action: ['dynamodb:GetItem'], Resource: { 'Fn::GetAtt': ['Table', 'Arn'] } })).toEqual([]);
    expect(await reasons({ Action: ['sqs:SendMessage'], Resource: { 'Fn::GetAtt': ['Table', 'Arn'] } })).toEqual([
      expect.stringMatching(/^sqs:SendMessage is not granted on arn:aws:dynamodb:us-east-1:111122223333:table\/\*: it takes/),
    ]);
    expect(await reasons({ Action: ['sqs:SendMessage'], Resource: { 'Fn::GetAtt': 'Queue.Arn' } })).toEqual([]);
    // Ref of a queue is its URL, not its ARN
    expect(await reasons({ Action: ['sqs:SendMessage'], Resource: { Ref: 'Queue' } })).toEqual([expect.stringMatching(/^sqs:SendMessage is not granted on <Ref of AWS::SQS::Queue>/)]);
  });

  it('checks a wildcard action on each resource against the actions it names', async () => {
    expect(await reasons({ Action: 's3:GetBucket*', Resource: sub('arn:${AWS::Partition}:s3:::data/*') })).toEqual(['none of the actions s3:GetBucket* names is granted on arn:aws:s3:::data/*']);
    expect(await reasons({ Action: 's3:*', Resource: [sub('arn:${AWS::Partition}:s3:::data/*'), sub('arn:${AWS::Partition}:s3:::data')] })).toEqual([]);
  });

  it('names condition keys that do not exist, operators that do not, and operators of another type', async () => {
    expect(await reasons({ Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:ViaServices': 'ssm.us-east-1.amazonaws.com' } } })).toEqual(['kms:ViaServices is not a condition key']);
    expect(await reasons({ Action: 'kms:Decrypt', Resource: '*', Condition: { StringEqual: { 'kms:ViaService': 'ssm.us-east-1.amazonaws.com' } } })).toEqual(['StringEqual is not a condition operator']);
    expect(await reasons({ Action: 's3:GetObject', Resource: '*', Condition: { StringEquals: { 'aws:SecureTransport': 'false' } } })).toEqual(['aws:SecureTransport is of type Bool: StringEquals does not compare it']);
    expect(await reasons({ Action: 's3:GetObject', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' }, 'ForAnyValue:StringLikeIfExists': { 'aws:PrincipalOrgPaths': ['o-1/*'] }, Null: { 'aws:ResourceTag/owner': 'true' } } })).toEqual([]);
  });
});
