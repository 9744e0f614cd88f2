import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';

export interface KillSwitchState {
  on: boolean;
  reason: string;
}

const OFF_VALUES = new Set(['off', 'false', '0', 'disabled']);

/**
 * The global kill switch, read on every invocation (no cache: turning it on must take effect at once). Anything but an
 * explicit "off" counts as on, and so does a parameter that cannot be read: the remediator fails safe, into dry-run.
 */
export async function readKillSwitch(client: SSMClient, name: string | undefined): Promise<KillSwitchState> {
  if (!name) return { on: false, reason: 'no kill-switch parameter configured' };
  try {
    const result = await client.send(new GetParameterCommand({ Name: name }));
    const value = (result.Parameter?.Value ?? '').trim().toLowerCase();
    return OFF_VALUES.has(value) ? { on: false, reason: `${name} is "${value}"` } : { on: true, reason: `${name} is "${value}"` };
  } catch (error) {
    return { on: true, reason: `${name} could not be read (${(error as Error).name}): failing safe into dry-run` };
  }
}
