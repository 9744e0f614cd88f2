import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildAlert } from '../../src/alerts/alert.js';
import { renderSlack } from '../../src/alerts/render-slack.js';
import { snsPublishInput } from '../../src/alerts/sns.js';
import { RULES } from '../../src/rules/index.js';
import { EVENTS, examplePolicy, replayFiles, ROOT } from '../helpers.js';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { policyFromInput } from '../../src/policy/load.js';
import { regionalClients } from '../../src/remediate/clients.js';
import { outcomeFinding } from '../../src/remediate/outcome-finding.js';
import { remediate } from '../../src/remediate/remediate.js';
import { MemoryStateStore } from '../../src/state/memory.js';

// The example payloads under docs/alerts are rendered from fixtures by this test. UPDATE_DOCS=1 npx vitest run
// test/alerts/docs-examples.test.ts writes them again after a renderer change; otherwise they must match.
const EXAMPLES = [
  ['kms-key-deletion-scheduled', 'scenarios/key-blast-radius'],
  ['s3tables-table-key-unapproved', 's3tables/CreateTable.foreign-key.json'],
  ['s3-sse-c-write', 's3/CopyObject.sse-c.json'],
] as const;
const rulesById = new Map(RULES.map((r) => [r.id, r]));

/** Writes (UPDATE_DOCS=1) or checks the Slack and SNS payloads of an alert. */
async function compare(name: string, alert: ReturnType<typeof buildAlert>): Promise<void> {
  const topic = 'arn:aws:sns:us-east-1:111122223333:sse-sentinel-prod-alerts';
  const files = {
    [`${name}.slack.json`]: `${JSON.stringify(renderSlack(alert), null, 2)}\n`,
    [`${name}.sns.json`]: `${JSON.stringify({ ...snsPublishInput(topic, alert), Message: JSON.parse(snsPublishInput(topic, alert).Message!) }, null, 2)}\n`,
  };
  for (const [file, contents] of Object.entries(files)) {
    const path = join(ROOT, 'docs', 'alerts', file);
    if (process.env['UPDATE_DOCS']) await writeFile(path, contents);
    expect(await readFile(path, 'utf8')).toBe(contents);
  }
}

describe('example alert payloads in docs/alerts', () => {
  it('remediation-cancel-key-deletion is the outcome alert of an enforced cancel-key-deletion', async () => {
    const kms = mockClient(KMSClient);
    try {
      kms.on(DescribeKeyCommand).resolvesOnce({ KeyMetadata: { KeyId: 'k', KeyState: 'PendingDeletion' } }).resolves({ KeyMetadata: { KeyId: 'k', KeyState: 'Disabled' } });
      const policy = policyFromInput({ rules: { 'kms.key-deletion-scheduled': { mode: 'enforce' } } });
      const { findings } = await replayFiles([join(EVENTS, 'scenarios/key-blast-radius')], policy);
      const finding = findings.find((f) => f.ruleId === 'kms.key-deletion-scheduled')!;
      const outcome = (await remediate(finding, { policy, store: new MemoryStateStore(), clients: regionalClients(), now: () => Date.parse(finding.eventTime) }))!;
      expect(outcome.outcome).toBe('applied');
      await compare('remediation-cancel-key-deletion', buildAlert(outcomeFinding(finding, outcome), rulesById.get(finding.ruleId)));
    } finally {
      kms.restore();
    }
  });

  it.each(EXAMPLES)('%s is what the renderers produce today', async (name, fixture) => {
    const { findings } = await replayFiles([join(EVENTS, fixture)], await examplePolicy());
    const finding = name === 'kms-key-deletion-scheduled' ? findings.find((f) => f.ruleId === 'kms.key-deletion-scheduled')! : findings.at(-1)!;
    await compare(name, buildAlert(finding, rulesById.get(finding.ruleId)));
  });
});
