import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDeployedPolicy } from '../../src/lambda/config.js';
import { parsePolicy, PolicyError, policyFromInput } from '../../src/policy/load.js';
import { RULE_IDS } from '../../src/rules/index.js';
import { examplePolicy } from '../helpers.js';

function problems(text: string): string[] {
  try {
    parsePolicy(text, 'policy.yaml', RULE_IDS);
  } catch (error) {
    if (error instanceof PolicyError) return error.problems;
    throw error;
  }
  throw new Error('policy was accepted');
}

describe('policy loading', () => {
  it('loads the shipped example', async () => {
    const policy = await examplePolicy();
    expect(policy.forTableBucket('arn:aws:s3tables:us-east-1:111122223333:bucket/prod-orders').requireKms).toBe(true);
    expect(policy.forTableBucket('arn:aws:s3tables:us-east-1:111122223333:bucket/dev').requireKms).toBe(false);
  });

  it('names the line and key of each problem', () => {
    const text = ['version: 1', 'trustedAccounts:', '  - "12345"', 'kms:', '  required: "yes"', 'tableBuckets:', '  - match: prod-*', '    approvedKeys: ["alias/data"]'].join('\n');
    expect(problems(text)).toEqual([
      expect.stringMatching(/^policy\.yaml:3: trustedAccounts\.0: an AWS account id is 12 digits/),
      expect.stringMatching(/^policy\.yaml:5: kms\.required: /),
      expect.stringMatching(/^policy\.yaml:8: tableBuckets\.0\.approvedKeys\.0: approved keys are key ARNs/),
    ]);
  });

  it('rejects unknown keys, unknown rule ids and YAML syntax errors', () => {
    expect(problems('versoin: 1')[0]).toMatch(/Unrecognized key/);
    expect(problems('rules:\n  s3tables.no-such-rule:\n    enabled: false')).toEqual([expect.stringMatching(/^policy\.yaml:2: rules\.s3tables\.no-such-rule: no rule has this id/)]);
    expect(problems('rules: [unclosed')[0]).toMatch(/^policy\.yaml:1: YAML syntax/);
  });

  it('applies defaults and per-rule settings', () => {
    const policy = parsePolicy('rules:\n  s3tables.encryption-config-read:\n    enabled: false\n  s3tables.bucket-encryption-removed:\n    severity: CRITICAL\n', 'p.yaml', RULE_IDS);
    expect(policy.ruleEnabled('s3tables.encryption-config-read')).toBe(false);
    expect(policy.severityFor('s3tables.bucket-encryption-removed', 'HIGH')).toBe('CRITICAL');
    expect(policy.severityFor('s3tables.table-key-unapproved', 'HIGH')).toBe('HIGH');
  });
});

describe('key verdicts', () => {
  const OWN = '111122223333';
  it('approves own-account keys and trusted accounts by default, and flags the rest as untrusted', () => {
    const policy = policyFromInput({ trustedAccounts: ['777788889999'] });
    const requirements = policy.forTableBucket(`arn:aws:s3tables:us-east-1:${OWN}:bucket/x`);
    expect(policy.judgeKey(`arn:aws:kms:us-east-1:${OWN}:key/k`, OWN, requirements).approved).toBe(true);
    expect(policy.judgeKey('arn:aws:kms:us-east-1:777788889999:key/k', OWN, requirements).approved).toBe(true);
    expect(policy.judgeKey('arn:aws:kms:us-east-1:444455556666:key/k', OWN, requirements)).toMatchObject({ approved: false, untrustedAccount: true });
  });

  it('with approved keys, only matching keys pass', () => {
    const policy = policyFromInput({ tableBuckets: [{ match: 'prod-*', approvedKeys: [`arn:aws:kms:*:${OWN}:key/approved-*`] }] });
    const requirements = policy.forTableBucket(`arn:aws:s3tables:us-east-1:${OWN}:bucket/prod-x`);
    expect(policy.judgeKey(`arn:aws:kms:us-east-1:${OWN}:key/approved-1`, OWN, requirements).approved).toBe(true);
    expect(policy.judgeKey(`arn:aws:kms:us-east-1:${OWN}:key/other`, OWN, requirements)).toMatchObject({ approved: false, untrustedAccount: false });
  });

  it('validates remediation settings: modes only on remediable rules, keys as full ARNs', () => {
    expect(problems('rules:\n  kms.rotation-disabled:\n    mode: enforce\n')).toEqual([
      expect.stringMatching(/^policy\.yaml:3: rules\.kms\.rotation-disabled\.mode: enforce needs a remediation action, and kms\.rotation-disabled has none/),
    ]);
    expect(problems('buckets:\n  - match: "prod-*"\n    remediationKey: alias/prod\n')).toEqual([
      expect.stringMatching(/^policy\.yaml:3: buckets\.0\.remediationKey: a remediation key is a full key ARN/),
    ]);
    expect(problems('remediation:\n  defaultMode: yolo\n')[0]).toMatch(/^policy\.yaml:2: remediation\.defaultMode: /);
    const policy = parsePolicy('rules:\n  kms.key-disabled: { mode: enforce }\n  kms.rotation-disabled: { mode: alert }\n  s3.bucket-encryption-removed: { mode: "off" }\n', 'p.yaml', RULE_IDS);
    expect(policy.remediationMode('kms.key-disabled', true)).toBe('enforce');
    expect(policy.remediationMode('kms.key-deletion-scheduled', true)).toBe('dry-run');
    expect(policy.remediationMode('kms.rotation-disabled', false)).toBe('alert');
    expect(policy.ruleEnabled('s3.bucket-encryption-removed')).toBe(false);
    expect(policy.isSelfRole('arn:aws:iam::111122223333:role/sse-sentinel-prod-remediator')).toBe(true);
    expect(policy.isSelfRole('arn:aws:iam::111122223333:role/sse-sentinel-prod-processor')).toBe(false);
  });
});

describe('the deployed policy', () => {
  /** A function's task root, as Lambda unpacks it: config/ beside the handlers. */
  async function taskRoot(): Promise<string> {
    const root = await mkdtemp(join(tmpdir(), 'sse-sentinel-deployed-'));
    await mkdir(join(root, 'config'));
    return root;
  }

  it('loads the compiled form when it matches the YAML beside it, and validates the YAML when it does not', async () => {
    const root = await taskRoot();
    const yaml = 'kms:\n  required: true\n';
    await writeFile(join(root, 'config', 'policy.yaml'), yaml);
    const compiled = parsePolicy(yaml, 'config/policy.yaml', RULE_IDS).document;
    // a compiled document that says something else, so the test sees which one was used
    await writeFile(join(root, 'config', 'policy.compiled.json'), JSON.stringify({ compiledFrom: 'config/policy.yaml', yaml, document: { ...compiled, trustedAccounts: ['999999999999'] } }));
    expect((await loadDeployedPolicy({ LAMBDA_TASK_ROOT: root })).document.trustedAccounts).toEqual(['999999999999']);
    await writeFile(join(root, 'config', 'policy.yaml'), `${yaml}trustedAccounts: ["777788889999"]\n`);
    expect((await loadDeployedPolicy({ LAMBDA_TASK_ROOT: root })).document.trustedAccounts).toEqual(['777788889999']);
    await writeFile(join(root, 'config', 'policy.yaml'), 'kms: [not, a, map]\n');
    await expect(loadDeployedPolicy({ LAMBDA_TASK_ROOT: root })).rejects.toThrow(PolicyError);
  });

  it('adds the deployment\'s trail bucket to the buckets the detector watches, not the parameter\'s placeholder', async () => {
    const root = await taskRoot();
    await writeFile(join(root, 'config', 'policy.yaml'), 'detector:\n  trailBuckets: ["archive-trail-logs"]\n');
    const watched = async (env: NodeJS.ProcessEnv) => (await loadDeployedPolicy({ LAMBDA_TASK_ROOT: root, ...env })).document.detector.trailBuckets;
    expect(await watched({ TRAIL_BUCKET: 'org-trail-logs' })).toEqual(['archive-trail-logs', 'org-trail-logs']);
    expect(await watched({ TRAIL_BUCKET: 'archive-trail-logs' })).toEqual(['archive-trail-logs']);
    expect(await watched({ TRAIL_BUCKET: 'sse-sentinel-prod-trail-bucket-not-configured' })).toEqual(['archive-trail-logs']);
    expect(await watched({})).toEqual(['archive-trail-logs']);
  });
});
