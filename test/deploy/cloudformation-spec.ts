import { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec';
import type { PropertyType, Resource, ResourceProperties, SpecDatabase } from '@aws-cdk/service-spec-types';

/**
 * Checks a CloudFormation template against CloudFormation's resource specification as the AWS CDK packages it
 * (@aws-cdk/aws-service-spec, rebuilt from the CloudFormation registry schemas every week): what `serverless package`
 * cannot tell and `serverless deploy` would only find out in a failed stack update. Every resource type must exist;
 * every property must be one of its type's, of the right shape (nested types, lists, maps, enumerated values), with the
 * required ones present; every Ref, Fn::GetAtt and Fn::Sub reference must name a parameter, a pseudo parameter, or a
 * resource of the template (and an attribute its type has); every Condition and DependsOn must exist.
 */
export interface TemplateProblem {
  /** Where in the template, e.g. `Resources.UsageQueue.Properties.RedrivePolicy`. */
  path: string;
  reason: string;
}

let spec: Promise<SpecDatabase> | undefined;
/** The specification (~0.5 s to load: once per test file). */
export function cloudFormationSpec(): Promise<SpecDatabase> {
  return (spec ??= loadAwsServiceSpec());
}

/** A resource type's specification (properties, attributes, ARN form), or undefined for a type CloudFormation lacks. */
export function resourceSpec(db: SpecDatabase, type: string): Resource | undefined {
  return db.lookup('resource', 'cloudFormationType', 'equals', type)[0];
}

const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId', 'AWS::NotificationARNs', 'AWS::NoValue', 'AWS::Partition', 'AWS::Region', 'AWS::StackId', 'AWS::StackName', 'AWS::URLSuffix',
]);
const TEMPLATE_SECTIONS = new Set(['AWSTemplateFormatVersion', 'Description', 'Metadata', 'Parameters', 'Rules', 'Mappings', 'Conditions', 'Transform', 'Resources', 'Outputs']);
const RESOURCE_KEYS = new Set(['Type', 'Properties', 'DependsOn', 'Condition', 'DeletionPolicy', 'UpdateReplacePolicy', 'Metadata', 'CreationPolicy', 'UpdatePolicy']);
const DELETION_POLICIES = new Set(['Delete', 'Retain', 'RetainExceptOnCreate', 'Snapshot']);
/** Intrinsics that may stand where a list is expected (they can return one). */
const LIST_INTRINSICS = new Set(['Fn::Split', 'Fn::GetAZs', 'Fn::If', 'Ref', 'Fn::GetAtt', 'Fn::FindInMap', 'Fn::Cidr', 'Fn::Select', 'Fn::ImportValue']);

type Json = unknown;

function intrinsicName(value: Json): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::') || keys[0] === 'Condition') ? keys[0] : undefined;
}

class TemplateChecker {
  readonly problems: TemplateProblem[] = [];
  private readonly resources: Record<string, { Type?: string }>;
  private readonly parameters: Set<string>;
  private readonly conditions: Set<string>;

  constructor(private readonly db: SpecDatabase, private readonly template: Record<string, Json>) {
    this.resources = (template['Resources'] ?? {}) as Record<string, { Type?: string }>;
    this.parameters = new Set(Object.keys((template['Parameters'] ?? {}) as object));
    this.conditions = new Set(Object.keys((template['Conditions'] ?? {}) as object));
  }

  private problem(path: string, reason: string): void {
    this.problems.push({ path, reason });
  }

  check(): TemplateProblem[] {
    for (const section of Object.keys(this.template)) if (!TEMPLATE_SECTIONS.has(section)) this.problem(section, 'not a template section');
    if (Object.keys(this.resources).length === 0) this.problem('Resources', 'a template needs at least one resource');
    for (const [name, condition] of Object.entries((this.template['Conditions'] ?? {}) as Record<string, Json>)) this.references(condition, `Conditions.${name}`);
    for (const [id, resource] of Object.entries(this.resources)) this.resource(id, resource as Record<string, Json>);
    for (const [name, output] of Object.entries((this.template['Outputs'] ?? {}) as Record<string, Record<string, Json>>)) {
      if (!('Value' in output)) this.problem(`Outputs.${name}`, 'an output needs a Value');
      this.references(output, `Outputs.${name}`);
      this.condition(output['Condition'], `Outputs.${name}.Condition`);
    }
    return this.problems;
  }

  private resourceType(type: string): Resource | undefined {
    return resourceSpec(this.db, type);
  }

  private resource(id: string, resource: Record<string, Json>): void {
    const path = `Resources.${id}`;
    for (const key of Object.keys(resource)) if (!RESOURCE_KEYS.has(key)) this.problem(`${path}.${key}`, 'not a resource attribute');
    for (const key of ['DeletionPolicy', 'UpdateReplacePolicy']) {
      if (resource[key] !== undefined && !DELETION_POLICIES.has(resource[key] as string)) this.problem(`${path}.${key}`, `${String(resource[key])} is not a deletion policy`);
    }
    const dependsOn = resource['DependsOn'] === undefined ? [] : ([] as Json[]).concat(resource['DependsOn']);
    for (const target of dependsOn) if (typeof target !== 'string' || !(target in this.resources)) this.problem(`${path}.DependsOn`, `${String(target)} is not a resource of the template`);
    this.condition(resource['Condition'], `${path}.Condition`);
    const type = resource['Type'];
    if (typeof type !== 'string') return this.problem(`${path}.Type`, 'missing');
    // custom resources take any properties their provider reads, besides the ServiceToken
    if (type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource') {
      if (!resource['Properties'] || !('ServiceToken' in (resource['Properties'] as object))) this.problem(`${path}.Properties.ServiceToken`, 'a custom resource needs one');
      return this.references(resource['Properties'], `${path}.Properties`);
    }
    const spec = this.resourceType(type);
    if (!spec) return this.problem(`${path}.Type`, `${type} is not a CloudFormation resource type`);
    this.properties(resource['Properties'] ?? {}, spec.properties, `${path}.Properties`);
  }

  private condition(name: Json, path: string): void {
    if (name !== undefined && (typeof name !== 'string' || !this.conditions.has(name))) this.problem(path, `${String(name)} is not a condition of the template`);
  }

  private properties(value: Json, properties: ResourceProperties, path: string): void {
    if (intrinsicName(value)) return this.intrinsic(value as Record<string, Json>, path);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return this.problem(path, `expected an object, got ${describe(value)}`);
    const given = value as Record<string, Json>;
    for (const [name, property] of Object.entries(properties)) {
      if (property.required && !(name in given)) this.problem(`${path}.${name}`, 'required, missing');
    }
    for (const [name, item] of Object.entries(given)) {
      const property = properties[name];
      if (!property) {
        this.problem(`${path}.${name}`, `not a property here (known: ${Object.keys(properties).sort().join(', ')})`);
        continue;
      }
      // a property that changed type stays valid in its earlier shapes
      const types = [property.type, ...(property.previousTypes ?? [])];
      this.oneOf(item, types, `${path}.${name}`);
    }
  }

  /** Valid against one of the types; otherwise the problems of the first, which is the current one. */
  private oneOf(value: Json, types: PropertyType[], path: string): void {
    const results = types.map((type) => this.trial(() => this.value(value, type, path)));
    if (results.some((problems) => problems.length === 0)) return;
    this.problems.push(...results[0]!);
  }

  private trial(check: () => void): TemplateProblem[] {
    const before = this.problems.length;
    check();
    return this.problems.splice(before);
  }

  private value(value: Json, type: PropertyType, path: string): void {
    const intrinsic = intrinsicName(value);
    if (intrinsic) {
      if (type.type === 'array' && !LIST_INTRINSICS.has(intrinsic) && intrinsic !== 'Condition') this.problem(path, `${intrinsic} does not return a list`);
      return this.intrinsic(value as Record<string, Json>, path);
    }
    switch (type.type) {
      case 'string':
        if (!['string', 'number', 'boolean'].includes(typeof value)) return this.problem(path, `expected a string, got ${describe(value)}`);
        if (type.allowedValues && !type.allowedValues.includes(String(value))) this.problem(path, `${String(value)} is not one of ${type.allowedValues.join(', ')}`);
        return;
      case 'integer':
      case 'number': {
        const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
        if (typeof number !== 'number' || Number.isNaN(number)) return this.problem(path, `expected a number, got ${describe(value)}`);
        if (type.type === 'integer' && !Number.isInteger(number)) return this.problem(path, `expected an integer, got ${String(value)}`);
        if (type.type === 'integer' && type.allowedValues && !type.allowedValues.includes(number)) this.problem(path, `${number} is not one of ${type.allowedValues.join(', ')}`);
        return;
      }
      case 'boolean':
        if (typeof value !== 'boolean' && value !== 'true' && value !== 'false') this.problem(path, `expected a boolean, got ${describe(value)}`);
        return;
      case 'date-time':
        if (typeof value !== 'string') this.problem(path, `expected a date-time string, got ${describe(value)}`);
        return;
      case 'null':
        if (value !== null) this.problem(path, `expected null, got ${describe(value)}`);
        return;
      case 'json':
        // a policy document or an event pattern: an object, or its JSON text
        if (typeof value === 'object' && value !== null) return this.references(value, path);
        if (typeof value !== 'string') this.problem(path, `expected a JSON object, got ${describe(value)}`);
        return;
      case 'tag':
        return this.properties(value, TAG_PROPERTIES, path);
      case 'array':
        if (!Array.isArray(value)) return this.problem(path, `expected a list, got ${describe(value)}`);
        value.forEach((element, i) => this.value(element, type.element, `${path}[${i}]`));
        return;
      case 'map':
        if (typeof value !== 'object' || value === null || Array.isArray(value)) return this.problem(path, `expected a map, got ${describe(value)}`);
        for (const [key, element] of Object.entries(value)) this.value(element, type.element, `${path}.${key}`);
        return;
      case 'union':
        return this.oneOf(value, type.types, path);
      case 'ref': {
        const definition = this.db.get('typeDefinition', type.reference);
        return this.properties(value, definition.properties, path);
      }
    }
  }

  /** Every intrinsic function inside a value: its references must resolve. */
  private references(value: Json, path: string): void {
    if (Array.isArray(value)) return value.forEach((element, i) => this.references(element, `${path}[${i}]`));
    if (typeof value !== 'object' || value === null) return;
    if (intrinsicName(value)) return this.intrinsic(value as Record<string, Json>, path);
    for (const [key, element] of Object.entries(value)) this.references(element, `${path}.${key}`);
  }

  private intrinsic(value: Record<string, Json>, path: string): void {
    const [name, argument] = Object.entries(value)[0]!;
    switch (name) {
      case 'Ref':
        if (typeof argument !== 'string') return this.problem(path, 'Ref takes a name');
        return this.named(argument, undefined, path);
      case 'Condition':
        return this.condition(argument, path);
      case 'Fn::GetAtt': {
        const [resource, attribute] = typeof argument === 'string' ? splitOnce(argument) : (argument as [Json, Json]);
        if (typeof resource !== 'string' || typeof attribute !== 'string') return this.problem(path, 'Fn::GetAtt takes [resource, attribute]');
        if (!(resource in this.resources)) return this.problem(path, `Fn::GetAtt: ${resource} is not a resource of the template`);
        return this.attribute(resource, attribute, path);
      }
      case 'Fn::Sub': {
        const [text, variables] = typeof argument === 'string' ? [argument, {}] : (argument as [Json, Record<string, Json>]);
        if (typeof text !== 'string') return this.problem(path, 'Fn::Sub takes a string');
        for (const [, reference] of text.matchAll(/\$\{([^!}][^}]*)\}/g)) {
          if (reference! in (variables ?? {})) continue;
          const [resource, attribute] = splitOnce(reference!);
          this.named(resource!, attribute, path);
        }
        return this.references(variables, path);
      }
      case 'Fn::If': {
        const [condition, ...branches] = argument as Json[];
        this.condition(condition, path);
        return this.references(branches, path);
      }
      default:
        return this.references(argument, path);
    }
  }

  /** A Ref or `${…}` target: a parameter, a pseudo parameter or a resource (with an attribute its type has). */
  private named(name: string, attribute: string | undefined, path: string): void {
    if (attribute === undefined && (this.parameters.has(name) || PSEUDO_PARAMETERS.has(name))) return;
    if (!(name in this.resources)) return this.problem(path, `${name} is not a parameter or resource of the template`);
    if (attribute !== undefined) this.attribute(name, attribute, path);
  }

  private attribute(resource: string, attribute: string, path: string): void {
    const type = this.resources[resource]!.Type ?? '';
    if (type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource') return;
    const spec = this.resourceType(type);
    if (spec && !(attribute in spec.attributes)) this.problem(path, `${type} has no attribute ${attribute} (it has ${Object.keys(spec.attributes).sort().join(', ')})`);
  }
}

const TAG_PROPERTIES: ResourceProperties = {
  Key: { type: { type: 'string' }, required: true },
  Value: { type: { type: 'string' }, required: true },
};

function splitOnce(text: string): [string, string | undefined] {
  const dot = text.indexOf('.');
  return dot < 0 ? [text, undefined] : [text.slice(0, dot), text.slice(dot + 1)];
}

function describe(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

/** The template's problems, none when CloudFormation's specification accepts it. */
export async function checkTemplate(template: Record<string, unknown>): Promise<TemplateProblem[]> {
  return new TemplateChecker(await cloudFormationSpec(), template).check();
}
