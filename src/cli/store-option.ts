import { DynamoDbStateStore } from '../state/dynamodb.js';
import { FileStateStore } from '../state/file.js';
import type { StateStore } from '../state/store.js';
import { UsageError } from './args.js';

export interface StoreOptions {
  state?: string | undefined;
  table?: string | undefined;
  region?: string | undefined;
  endpoint?: string | undefined;
}

/** The AWS client settings the commands take from --region and --endpoint. */
export function clientConfig(options: StoreOptions): { region?: string; endpoint?: string } {
  return { ...(options.region ? { region: options.region } : {}), ...(options.endpoint ? { endpoint: options.endpoint } : {}) };
}

/** `--state FILE` or `--table NAME`: exactly one, for the commands that read or seed the ledger. */
export async function openStateStore(command: string, options: StoreOptions): Promise<StateStore> {
  if (!options.state === !options.table) throw new UsageError(`${command} needs exactly one of --state FILE or --table NAME`);
  return options.state ? FileStateStore.open(options.state) : new DynamoDbStateStore({ tableName: options.table!, clientConfig: clientConfig(options) });
}
