import { DescribeKeyCommand, KMSClient, ListAliasesCommand, ListKeysCommand } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers.js';
import { describe, expect, it } from 'vitest';

const KEY = 'arn:aws:kms:us-east-1:111122223333:key/aaaaaaaa-0000-4000-8000-000000000001';

const run = runCli;

describe('sse-sentinel inventory', () => {
  it('seeds a state file that the ledger command then reads', async () => {
    const kms = mockClient(KMSClient);
    kms.on(ListKeysCommand).resolves({ Keys: [{ KeyId: 'a', KeyArn: KEY }] });
    kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: 'a', Arn: KEY, KeyState: 'Disabled' } });
    kms.on(ListAliasesCommand).resolves({ Aliases: [{ AliasArn: 'arn:aws:kms:us-east-1:111122223333:alias/data', TargetKeyId: 'aaaaaaaa-0000-4000-8000-000000000001' }] });
    const state = join(await mkdtemp(join(tmpdir(), 'sse-sentinel-inv-')), 'state.json');
    const swept = await run(['inventory', '--state', state, '--region', 'us-east-1', '--only', 'kms']);
    expect(swept).toMatchObject({ code: 0, stdout: '0 table buckets, 0 tables, 0 buckets, 1 keys, 1 aliases; 0 errors\n' });
    const query = await run(['ledger', '--state', state, '--key', 'alias/data', '--format', 'json']);
    expect(JSON.parse(query.stdout)).toMatchObject({ keyArn: KEY, state: 'Disabled' });
    kms.restore();
  });

  it('exits 1 and names each resource it could not read', async () => {
    const kms = mockClient(KMSClient);
    kms.on(ListKeysCommand).resolves({ Keys: [{ KeyId: 'a', KeyArn: KEY }] });
    kms.on(DescribeKeyCommand).rejects(Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' }));
    kms.on(ListAliasesCommand).resolves({ Aliases: [] });
    const state = join(await mkdtemp(join(tmpdir(), 'sse-sentinel-inv-')), 'state.json');
    const { code, stderr } = await run(['inventory', '--state', state, '--region', 'us-east-1', '--only', 'kms']);
    expect(code).toBe(1);
    expect(stderr).toBe(`error: ${KEY}: DescribeKey: AccessDeniedException: not allowed\n`);
    kms.restore();
  });

  it('rejects unknown services', async () => {
    expect((await run(['inventory', '--state', 'x', '--only', 'ec2'])).code).toBe(2);
  });
});
