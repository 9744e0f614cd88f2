import { ACTION_CATALOG } from './catalog.js';
import { CancelKeyDeletionCommand, EnableKeyCommand } from '@aws-sdk/client-kms';
import type { Finding } from '../alerts/finding.js';
import type { KeyEntry } from '../correlate/ledger-entries.js';
import type { KeyState } from '../correlate/kms.js';
import { checkAndAct } from './check-and-act.js';
import { readKeyState, recordKeyState } from './key-state.js';
import { keyTarget, planAt } from './targets.js';
import type { ApiCall, RemediationAction } from './types.js';

const PENDING = new Set(['PendingDeletion', 'PendingReplicaDeletion']);

/**
 * Was the key Enabled before its deletion was scheduled? Known from the ledger's key state; when the ledger never saw
 * the state, successful data-key calls with it are the evidence (they fail on a disabled key, and a DisableKey would
 * have put Disabled in the ledger).
 */
export function enabledBefore(finding: Finding): boolean {
  const state = (finding.previous as { keyState?: string } | undefined)?.keyState;
  if (state !== undefined) return state === 'Enabled';
  return Object.keys(finding.blastRadius?.lastUsed ?? {}).length > 0;
}

/**
 * Cancels a key's scheduled deletion. KMS leaves a cancelled key Disabled, so the key is enabled again only when the
 * ledger knew it was Enabled before the deletion was scheduled; then DescribeKey verifies the state.
 */
export const cancelKeyDeletion: RemediationAction = {
  id: 'cancel-key-deletion',
  title: 'Cancel the key\'s scheduled deletion (and enable it again if it was enabled)',
  ...ACTION_CATALOG['cancel-key-deletion'],

  plan(finding, policy) {
    const target = keyTarget(finding, policy);
    if ('skip' in target) return target;
    const { keyArn, why } = target;
    const wasEnabled = enabledBefore(finding);
    const calls: ApiCall[] = [{ service: 'kms', operation: 'CancelKeyDeletion', input: { KeyId: keyArn } }];
    if (wasEnabled) calls.push({ service: 'kms', operation: 'EnableKey', input: { KeyId: keyArn } });
    const intent = `cancel the deletion of ${keyArn} (${why})` +
      (wasEnabled ? ' and enable it again, as it was before' : '; it stays Disabled: nothing showed it Enabled before (ledger state, data-key use)');
    return planAt(this.id, target.place, intent, calls);
  },

  execute(plan, clients, { dryRun }) {
    const client = clients.kms(plan.region);
    const keyId = plan.resource;
    const expected = plan.calls.some((c) => c.operation === 'EnableKey') ? 'Enabled' : 'Disabled';
    return checkAndAct<string | undefined>({
      read: (recorder) => readKeyState(recorder, client, keyId),
      record: recordKeyState,
      // a retry after a partial success only makes the calls still needed
      needed: (state) => {
        const calls = plan.calls.filter((c) => (c.operation === 'CancelKeyDeletion' ? PENDING.has(state ?? '') : state !== 'Enabled'));
        return calls.length ? { calls } : { calls, compliant: `already compliant (key state ${state})` };
      },
      send: async (recorder, call) => {
        const Command = call.operation === 'CancelKeyDeletion' ? CancelKeyDeletionCommand : EnableKeyCommand;
        await recorder.send('kms', call.operation, client, new Command({ KeyId: keyId }));
      },
      verify: (after) => (after === expected ? undefined : `key state is ${after}, expected ${expected}`),
      learn: (after) => (ledger, version) => ledger.update<KeyEntry>({ kind: 'key', arn: keyId }, { state: after as KeyState, deletionDate: undefined }, version),
    }, dryRun);
  },
};
