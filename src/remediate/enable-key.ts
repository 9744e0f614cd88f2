import { EnableKeyCommand } from '@aws-sdk/client-kms';
import { ACTION_CATALOG } from './catalog.js';
import type { KeyEntry } from '../correlate/ledger-entries.js';
import { checkAndAct } from './check-and-act.js';
import { readKeyState, recordKeyState } from './key-state.js';
import { keyTarget, planAt } from './targets.js';
import type { RemediationAction } from './types.js';

/** Enables a protected key someone disabled; a key pending deletion is left to cancel-key-deletion. */
export const enableKey: RemediationAction = {
  id: 'enable-key',
  title: 'Enable the disabled key again',
  ...ACTION_CATALOG['enable-key'],

  plan(finding, policy) {
    const target = keyTarget(finding, policy);
    if ('skip' in target) return target;
    const { keyArn, why } = target;
    return planAt(this.id, target.place, `enable ${keyArn} again (${why})`, [{ service: 'kms', operation: 'EnableKey', input: { KeyId: keyArn } }]);
  },

  execute(plan, clients, { dryRun }) {
    const client = clients.kms(plan.region);
    const keyId = plan.resource;
    return checkAndAct<string | undefined>({
      read: (recorder) => readKeyState(recorder, client, keyId),
      record: recordKeyState,
      needed: (state) => {
        if (state === 'Enabled') return { calls: [], compliant: 'already compliant (key state Enabled)' };
        if (state !== 'Disabled') return { calls: [], compliant: `key state is ${state}: only a Disabled key is enabled` };
        return { calls: plan.calls };
      },
      send: async (recorder) => {
        await recorder.send('kms', 'EnableKey', client, new EnableKeyCommand({ KeyId: keyId }));
      },
      verify: (after) => (after === 'Enabled' ? undefined : `key state is ${after}, expected Enabled`),
      learn: () => (ledger, version) => ledger.update<KeyEntry>({ kind: 'key', arn: keyId }, { state: 'Enabled' }, version),
    }, dryRun);
  },
};
