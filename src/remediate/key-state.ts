import { DescribeKeyCommand, type DescribeKeyCommandOutput, type KMSClient } from '@aws-sdk/client-kms';
import type { CallRecorder } from './recorder.js';

/** DescribeKey's KeyState, through the recorder: what both key actions check before acting and verify after. */
export async function readKeyState(recorder: CallRecorder, client: KMSClient, keyId: string): Promise<string | undefined> {
  const output = await recorder.send<DescribeKeyCommandOutput>('kms', 'DescribeKey', client, new DescribeKeyCommand({ KeyId: keyId }));
  return output.KeyMetadata?.KeyState;
}

export const recordKeyState = (state: string | undefined): { keyState: string | null } => ({ keyState: state ?? null });
