import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildAlert } from '../../src/alerts/alert.js';
import type { Finding } from '../../src/alerts/finding.js';
import { renderSlack } from '../../src/alerts/render-slack.js';
import { policyFromInput } from '../../src/policy/load.js';
import { REMEDIABLE_RULE_IDS } from '../../src/remediate/catalog.js';
import { outcomeFinding } from '../../src/remediate/outcome-finding.js';
import { remediate } from '../../src/remediate/remediate.js';
import { renderOutcomeText } from '../../src/remediate/render-text.js';
import { MemoryStateStore } from '../../src/state/memory.js';

const arns = fc.oneof(
  fc.constantFrom(
    'arn:aws:s3:::payroll', 'arn:aws:s3:::payroll/object', 'arn:aws:s3tables:us-east-1:111122223333:bucket/lake',
    'arn:aws:s3tables:us-east-1:111122223333:bucket/lake/table/t-1', 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    'arn:aws:kms:us-east-1:111122223333:alias/x', '', 'not an arn',
  ),
  fc.string(),
);

describe('fuzzing remediation planning', () => {
  it('never throws on findings of any shape, offline, and its outcome always renders', async () => {
    const policy = policyFromInput({ remediation: { protectedKeys: ['arn:aws:kms:*:111122223333:key/*'] }, kms: { remediationKey: 'arn:aws:kms:us-east-1:111122223333:key/aaaaaaaa-0000-4000-8000-000000000001' } });
    await fc.assert(fc.asyncProperty(
      fc.record({
        ruleId: fc.constantFrom(...REMEDIABLE_RULE_IDS),
        resources: fc.array(arns, { maxLength: 3 }),
        keyArn: fc.option(arns, { nil: undefined }),
        previous: fc.option(fc.jsonValue({ maxDepth: 3 }), { nil: undefined }),
        blastRadius: fc.option(fc.constant({ keyArn: 'k', tableBuckets: { count: 1, arns: ['x'] }, tables: { count: 0, arns: [] }, buckets: { count: 0, arns: [] } }), { nil: undefined }),
        principal: fc.oneof(fc.string(), fc.constant('arn:aws:sts::111122223333:assumed-role/sse-sentinel-prod-remediator/s')),
        eventTime: fc.oneof(fc.constant('2025-01-10T10:00:00Z'), fc.string()),
      }),
      async (fields) => {
        const finding = { severity: 'HIGH', title: 't', summary: 's', eventId: 'e', eventName: 'n', eventSource: 'x', account: '111122223333', region: 'us-east-1', dedupKey: 'd', ...fields } as Finding;
        const outcome = await remediate(finding, { policy, store: new MemoryStateStore(), now: () => 0 });
        if (!outcome) return;
        expect(outcome.outcome.length).toBeGreaterThan(0);
        renderOutcomeText(outcome);
        renderSlack(buildAlert(outcomeFinding(finding, outcome)));
      },
    ), { numRuns: 1000 });
  });
});
