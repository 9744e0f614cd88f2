import type { LedgerWriter, Version } from '../correlate/ledger-entries.js';
import { CallRecorder, failed } from './recorder.js';
import type { ApiCall, ExecutionResult } from './types.js';

/** The one shape every action has: read, decide, (dry-run or) act, read back, teach the ledger. */
export interface CheckedSteps<S> {
  /** Reads the current state through the recorder (its calls are part of the outcome). */
  read(recorder: CallRecorder): Promise<S>;
  /** The state as the outcome records it (what undoing the action would need). */
  record(state: S): unknown;
  /** The writes still needed in this state; none means compliant, with the words that say why. */
  needed(state: S): { calls: ApiCall[]; compliant?: string };
  send(recorder: CallRecorder, call: ApiCall): Promise<void>;
  /** Undefined when the state read back is the wanted one, else what is wrong. */
  verify(after: S): string | undefined;
  learn(after: S): (ledger: LedgerWriter, version: Version) => void;
}

export async function checkAndAct<S>(steps: CheckedSteps<S>, dryRun: boolean): Promise<ExecutionResult> {
  const recorder = new CallRecorder();
  let prior: unknown;
  try {
    const current = await steps.read(recorder);
    prior = steps.record(current);
    const { calls, compliant } = steps.needed(current);
    if (calls.length === 0) return { kind: 'skipped', reason: compliant ?? 'already compliant', calls: recorder.calls, prior };
    if (dryRun) return { kind: 'dry-run', calls: recorder.calls, prior, wouldCall: calls };
    for (const call of calls) await steps.send(recorder, call);
    const after = await steps.read(recorder);
    const problem = steps.verify(after);
    if (problem) return { kind: 'failed', reason: `verification: ${problem}`, calls: recorder.calls, prior, after: steps.record(after) };
    return { kind: 'applied', calls: recorder.calls, prior, after: steps.record(after), learn: steps.learn(after) };
  } catch (error) {
    return failed(error, recorder, prior);
  }
}
