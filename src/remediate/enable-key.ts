import { DescribeKeyCommand, EnableKeyCommand, type DescribeKeyCommandOutput } from '@aws-sdk/client-kms';
import { ACTION_CATALOG } from './catalog.js';
import type { KeyEntry } from '../correlate/ledger-entries.js';
import { alreadyCompliant, CallRecorder, dryRun, failed } from './recorder.js';
import { keyAccountOf, keyProtection, keyRegion, UNPROTECTED_KEY } from './key-protection.js';
import type { RemediationAction } from './types.js';

/** Enables a protected key someone disabled; a key pending deletion is left to cancel-key-deletion. */
export const enableKey: RemediationAction = {
  id: 'enable-key',
  title: 'Enable the disabled key again',
  ...ACTION_CATALOG['enable-key'],

  plan(finding, policy) {
    const why = keyProtection(finding, policy);
    if (!why) return { skip: UNPROTECTED_KEY };
    const keyArn = finding.keyArn!;
    return {
      plan: {
        actionId: this.id,
        resource: keyArn,
        region: keyRegion(keyArn),
        account: keyAccountOf(keyArn, finding.account),
        intent: `enable ${keyArn} again (${why})`,
        calls: [{ service: 'kms', operation: 'EnableKey', input: { KeyId: keyArn } }],
      },
    };
  },

  async execute(plan, clients, { dryRun: isDryRun }) {
    const client = clients.kms(plan.region);
    const recorder = new CallRecorder();
    const keyId = plan.resource;
    const describe = async (): Promise<string | undefined> =>
      (await recorder.send<DescribeKeyCommandOutput>('kms', 'DescribeKey', client, new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata?.KeyState;
    let prior: unknown;
    try {
      const state = await describe();
      prior = { keyState: state ?? null };
      if (state === 'Enabled') return alreadyCompliant(recorder, prior, 'key state Enabled');
      if (state !== 'Disabled') return { kind: 'skipped', reason: `key state is ${state}: only a Disabled key is enabled`, calls: recorder.calls, prior };
      if (isDryRun) return dryRun(recorder, prior, plan.calls);
      await recorder.send('kms', 'EnableKey', client, new EnableKeyCommand({ KeyId: keyId }));
      const after = await describe();
      if (after !== 'Enabled') return { kind: 'failed', reason: `verification: key state is ${after}, expected Enabled`, calls: recorder.calls, prior, after: { keyState: after ?? null } };
      return {
        kind: 'applied',
        calls: recorder.calls,
        prior,
        after: { keyState: after },
        learn: (ledger, version) => ledger.update<KeyEntry>({ kind: 'key', arn: keyId }, { state: 'Enabled' }, version),
      };
    } catch (error) {
      return failed(error, recorder, prior);
    }
  },
};
