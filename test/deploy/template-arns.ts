import { cloudFormationSpec, resourceSpec } from './cloudformation-spec.js';

type Json = unknown;
interface TemplateResource { Type?: string; Properties?: Record<string, Json> }

/** Stand-ins for the pseudo parameters (the account and Region the tests run the functions in). */
export const PSEUDO: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::Region': 'us-east-1', 'AWS::AccountId': '111122223333', 'AWS::URLSuffix': 'amazonaws.com' };
/** An IAM wildcard (`*` any run, `?` one character) as a regular expression. */
export function globToRegExp(glob: string, flags = ''): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, flags);
}

/** Resource types whose Ref is their ARN (for the others Ref is a name, an id or a URL: never an ARN). */
const REF_IS_ARN = new Set(['AWS::SNS::Topic', 'AWS::IAM::ManagedPolicy', 'AWS::StepFunctions::StateMachine']);

/**
 * The ARNs a policy's Resource element stands for in a template: pseudo parameters replaced, Fn::GetAtt's Arn (and a
 * Ref that is an ARN) built from CloudFormation's ARN form of the resource's type, its placeholders filled from the
 * resource's own properties (a queue's QueueName, a table's TableName) where the template sets them. What cannot be
 * known (a generated name, a parameter) is a wildcard.
 */
export class TemplateArns {
  private constructor(private readonly resources: Record<string, TemplateResource>, private readonly arnTemplates: Map<string, string | undefined>) {}

  static async of(template: Record<string, Json>): Promise<TemplateArns> {
    const resources = (template['Resources'] ?? {}) as Record<string, TemplateResource>;
    const spec = await cloudFormationSpec();
    const arnTemplates = new Map<string, string | undefined>();
    for (const { Type } of Object.values(resources)) {
      if (Type && !arnTemplates.has(Type)) arnTemplates.set(Type, resourceSpec(spec, Type)?.arnTemplate);
    }
    return new TemplateArns(resources, arnTemplates);
  }

  arns(value: Json): string[] {
    if (typeof value === 'string') return [value];
    if (typeof value !== 'object' || value === null) return ['*'];
    const [name, argument] = Object.entries(value as Record<string, Json>)[0] ?? [];
    switch (name) {
      case 'Fn::Sub': {
        const [text, variables] = typeof argument === 'string' ? [argument, {}] : (argument as [string, Record<string, Json>]);
        return [text.replace(/\$\{([^!}][^}]*)\}/g, (_, reference: string) => {
          if (reference in (variables ?? {})) return this.arns((variables as Record<string, Json>)[reference])[0] ?? '*';
          const [resource, attribute] = reference.split('.', 2) as [string, string | undefined];
          return attribute ? this.attributeArn(resource, attribute) : this.ref(resource);
        })];
      }
      case 'Fn::Join': {
        const [separator, parts] = argument as [string, Json[]];
        return [parts.map((part) => this.arns(part)[0] ?? '*').join(separator)];
      }
      case 'Fn::GetAtt': {
        const [resource, attribute] = typeof argument === 'string' ? (argument.split('.', 2) as [string, string]) : (argument as [string, string]);
        return [this.attributeArn(resource, attribute)];
      }
      case 'Ref':
        return [this.ref(argument as string)];
      case 'Fn::If': {
        const [, whenTrue, whenFalse] = argument as [Json, Json, Json];
        return [...this.arns(whenTrue), ...this.arns(whenFalse)];
      }
      default:
        return ['*'];
    }
  }

  private ref(name: string): string {
    if (name in PSEUDO) return PSEUDO[name]!;
    const resource = this.resources[name];
    if (!resource?.Type) return '*'; // a parameter
    if (REF_IS_ARN.has(resource.Type)) return this.attributeArn(name, 'Arn');
    // Ref of a bucket is its name, which Fn::Join puts into arn:…:s3:::name; of a queue its URL, of a table its name
    if (resource.Type === 'AWS::S3::Bucket') return typeof resource.Properties?.['BucketName'] === 'string' ? resource.Properties['BucketName'] : '*';
    return `<Ref of ${resource.Type}>`;
  }

  private attributeArn(name: string, attribute: string): string {
    const resource = this.resources[name];
    if (!resource?.Type || attribute !== 'Arn') return '*';
    const template = this.arnTemplates.get(resource.Type);
    if (!template) return '*';
    return template.replace(/\$\{([^}]+)\}/g, (_, placeholder: string) => {
      const pseudo = PSEUDO[`AWS::${placeholder === 'Account' ? 'AccountId' : placeholder}`];
      const own = resource.Properties?.[placeholder];
      return pseudo ?? (typeof own === 'string' ? own : '*');
    });
  }
}
