import { ACTION_CATALOG } from './catalog.js';
import { CancelKeyDeletionCommand, DescribeKeyCommand, EnableKeyCommand, type DescribeKeyCommandOutput } from '@aws-sdk/client-kms';
import type { Finding } from '../alerts/finding.js';
import type { KeyEntry } from '../correlate/ledger-entries.js';
import type { KeyState } from '../correlate/kms.js';
import { alreadyCompliant, CallRecorder, dryRun, failed } from './recorder.js';
import { keyAccountOf, keyProtection, keyRegion, UNPROTECTED_KEY } from './key-protection.js';
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
    const why = keyProtection(finding, policy);
    if (!why) return { skip: UNPROTECTED_KEY };
    const keyArn = finding.keyArn!;
    const wasEnabled = enabledBefore(finding);
    const calls: ApiCall[] = [{ service: 'kms', operation: 'CancelKeyDeletion', input: { KeyId: keyArn } }];
    if (wasEnabled) calls.push({ service: 'kms', operation: 'EnableKey', input: { KeyId: keyArn } });
    return {
      plan: {
        actionId: this.id,
        resource: keyArn,
        region: keyRegion(keyArn),
        account: keyAccountOf(keyArn, finding.account),
        intent: `cancel the deletion of ${keyArn} (${why})` +
          (wasEnabled ? ' and enable it again, as it was before' : '; it stays Disabled: nothing showed it Enabled before (ledger state, data-key use)'),
        calls,
      },
    };
  },

  async execute(plan, clients, { dryRun: isDryRun }) {
    const client = clients.kms(plan.region);
    const recorder = new CallRecorder();
    const keyId = plan.resource;
    const describe = async (): Promise<string | undefined> =>
      (await recorder.send<DescribeKeyCommandOutput>('kms', 'DescribeKey', client, new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata?.KeyState;
    const enableWanted = plan.calls.some((c) => c.operation === 'EnableKey');
    let prior: unknown;
    try {
      const state = await describe();
      prior = { keyState: state ?? null };
      // a retry after a partial success only makes the calls still needed
      const needed = plan.calls.filter((c) => (c.operation === 'CancelKeyDeletion' ? PENDING.has(state ?? '') : state !== 'Enabled'));
      if (needed.length === 0) return alreadyCompliant(recorder, prior, `key state ${state}`);
      if (isDryRun) return dryRun(recorder, prior, needed);
      for (const call of needed) {
        const Command = call.operation === 'CancelKeyDeletion' ? CancelKeyDeletionCommand : EnableKeyCommand;
        await recorder.send('kms', call.operation, client, new Command({ KeyId: keyId }));
      }
      const after = await describe();
      const expected = enableWanted ? 'Enabled' : 'Disabled';
      if (after !== expected) return { kind: 'failed', reason: `verification: key state is ${after}, expected ${expected}`, calls: recorder.calls, prior, after: { keyState: after ?? null } };
      return {
        kind: 'applied',
        calls: recorder.calls,
        prior,
        after: { keyState: after },
        learn: (ledger, version) => ledger.update<KeyEntry>({ kind: 'key', arn: keyId }, { state: after as KeyState, deletionDate: undefined }, version),
      };
    } catch (error) {
      return failed(error, recorder, prior);
    }
  },
};
