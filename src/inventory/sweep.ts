import { DescribeKeyCommand, type KMSClient, paginateListAliases, paginateListKeys } from '@aws-sdk/client-kms';
import { GetBucketEncryptionCommand, GetBucketPolicyCommand, paginateListBuckets, type S3Client } from '@aws-sdk/client-s3';
import {
  GetTableBucketEncryptionCommand,
  GetTableEncryptionCommand,
  paginateListNamespaces,
  paginateListTableBuckets,
  paginateListTables,
  type S3TablesClient,
} from '@aws-sdk/client-s3tables';
import { normalizeKeyRef, parseArn, s3BucketArn, tableNameKey } from '../correlate/arn.js';
import { partitionOfClient } from '../util/partition.js';
import type { KeyState } from '../correlate/kms.js';
import type {
  AliasEntry, BucketEntry, KeyEntry, LedgerWriter, PolicyEnforcementEntry, TableBucketEntry, TableEntry, TableNameEntry, Version,
} from '../correlate/ledger-entries.js';
import { s3SseEnforcement } from '../correlate/policy-analysis.js';
import type { EncryptionConfig } from '../correlate/s3tables.js';
import { parsePolicyDocument } from '../events/policy-document.js';
import { withThrottlingRetry, type RetryOptions } from './retry.js';

export interface SweepClients {
  s3tables?: S3TablesClient;
  s3?: S3Client;
  kms?: KMSClient;
}

export interface SweepError {
  resource: string;
  operation: string;
  error: string;
}

export interface SweepReport {
  tableBuckets: number;
  tables: number;
  buckets: number;
  keys: number;
  aliases: number;
  errors: SweepError[];
}

export interface SweepOptions extends RetryOptions {
  /** The sweep's time: entries are versioned with it, so later events win and earlier (late) ones do not. */
  nowMs: number;
}

function errorText(error: unknown): string {
  const e = error as { name?: string; message?: string };
  return `${e.name ?? 'Error'}: ${e.message ?? String(error)}`;
}

/**
 * Reads the current encryption posture from AWS into the ledger, so that it knows what keys protect before the first
 * event. Paginated, throttling retried with back-off, and a failure on one resource is recorded and the sweep goes on.
 */
export class InventorySweep {
  private readonly version: Version;
  readonly report: SweepReport = { tableBuckets: 0, tables: 0, buckets: 0, keys: 0, aliases: 0, errors: [] };

  constructor(
    private readonly clients: SweepClients,
    private readonly ledger: LedgerWriter,
    private readonly options: SweepOptions,
  ) {
    this.version = { time: options.nowMs, eventId: `inventory-${options.nowMs}` };
  }

  private call<T>(call: () => Promise<T>): Promise<T> {
    return withThrottlingRetry(call, this.options);
  }

  /** Runs a step; an error is recorded against the resource and the sweep continues. */
  private async guarded<T>(resource: string, operation: string, step: () => Promise<T>): Promise<T | undefined> {
    try {
      return await step();
    } catch (error) {
      this.report.errors.push({ resource, operation, error: errorText(error) });
      return undefined;
    }
  }

  async run(): Promise<SweepReport> {
    if (this.clients.kms) await this.guarded('kms', 'ListKeys', () => this.sweepKms(this.clients.kms!));
    if (this.clients.s3tables) await this.guarded('s3tables', 'ListTableBuckets', () => this.sweepS3Tables(this.clients.s3tables!));
    if (this.clients.s3) await this.guarded('s3', 'ListBuckets', () => this.sweepS3(this.clients.s3!));
    return this.report;
  }

  private async sweepS3Tables(client: S3TablesClient): Promise<void> {
    for await (const page of paginateListTableBuckets({ client }, {})) {
      for (const bucket of page.tableBuckets ?? []) {
        if (!bucket.arn) continue;
        this.report.tableBuckets++;
        const bucketArn = bucket.arn;
        const encryption = await this.guarded(bucketArn, 'GetTableBucketEncryption', () =>
          this.call(() => client.send(new GetTableBucketEncryptionCommand({ tableBucketARN: bucketArn }))));
        const config = toConfig(encryption?.encryptionConfiguration);
        if (config) {
          this.ledger.update<TableBucketEntry>({ kind: 'table-bucket', arn: bucketArn }, { encryption: config, encryptionSource: 'inventory' }, this.version);
          this.ledger.recordBucketDefault(bucketArn, { ...this.version, encryption: config });
        }
        await this.guarded(bucketArn, 'ListNamespaces', () => this.sweepNamespaces(client, bucketArn));
      }
    }
  }

  private async sweepNamespaces(client: S3TablesClient, bucketArn: string): Promise<void> {
    for await (const page of paginateListNamespaces({ client }, { tableBucketARN: bucketArn })) {
      for (const namespace of page.namespaces ?? []) {
        const name = namespace.namespace?.[0];
        if (name) await this.guarded(`${bucketArn}/${name}`, 'ListTables', () => this.sweepTables(client, bucketArn, name));
      }
    }
  }

  private async sweepTables(client: S3TablesClient, bucketArn: string, namespace: string): Promise<void> {
    for await (const page of paginateListTables({ client }, { tableBucketARN: bucketArn, namespace })) {
      for (const table of page.tables ?? []) {
        if (!table.tableARN || !table.name) continue;
        this.report.tables++;
        const tableArn = table.tableARN;
        const name = table.name;
        const encryption = await this.guarded(tableArn, 'GetTableEncryption', () =>
          this.call(() => client.send(new GetTableEncryptionCommand({ tableBucketARN: bucketArn, namespace, name }))));
        const config = toConfig(encryption?.encryptionConfiguration);
        this.ledger.update<TableEntry>({ kind: 'table', arn: tableArn, bucketArn }, { bucketArn, namespace, name, ...(config ? { encryption: config, inherited: false } : {}) }, this.version);
        this.ledger.update<TableNameEntry>({ kind: 'table-name', key: tableNameKey(bucketArn, namespace, name), tableArn }, { tableArn }, this.version);
      }
    }
  }

  private async sweepS3(client: S3Client): Promise<void> {
    // bucket ARNs in the client's partition (aws-cn, aws-us-gov), as events there name them
    const partition = await partitionOfClient(client);
    for await (const page of paginateListBuckets({ client }, {})) {
      for (const bucket of page.Buckets ?? []) {
        if (!bucket.Name) continue;
        this.report.buckets++;
        const name = bucket.Name;
        const arn = s3BucketArn(name, partition);
        await this.guarded(arn, 'GetBucketEncryption', async () => {
          const result = await this.call(() => client.send(new GetBucketEncryptionCommand({ Bucket: name }))).catch((error: unknown) => {
            if ((error as { name?: string }).name === 'ServerSideEncryptionConfigurationNotFoundError') return undefined;
            throw error;
          });
          const rule = result?.ServerSideEncryptionConfiguration?.Rules?.[0];
          const byDefault = rule?.ApplyServerSideEncryptionByDefault;
          const encryption: BucketEntry['encryption'] = byDefault?.SSEAlgorithm
            ? { sseAlgorithm: byDefault.SSEAlgorithm, ...(byDefault.KMSMasterKeyID ? { kmsKeyArn: byDefault.KMSMasterKeyID } : {}), ...(rule?.BucketKeyEnabled !== undefined ? { bucketKeyEnabled: rule.BucketKeyEnabled } : {}) }
            : { sseAlgorithm: 'AES256' };
          this.ledger.update<BucketEntry>({ kind: 'bucket', arn }, { encryption, encryptionSource: 'inventory' }, this.version);
        });
        await this.guarded(arn, 'GetBucketPolicy', async () => {
          const result = await this.call(() => client.send(new GetBucketPolicyCommand({ Bucket: name }))).catch((error: unknown) => {
            if ((error as { name?: string }).name === 'NoSuchBucketPolicy') return undefined;
            throw error;
          });
          const parsed = result?.Policy ? parsePolicyDocument(result.Policy) : undefined;
          const enforcement = s3SseEnforcement(parsed?.ok ? parsed.document : undefined);
          this.ledger.update<PolicyEnforcementEntry>({ kind: 'bucket-policy', arn, enforced: false, requiredKeys: [], statements: [] }, { ...enforcement, deleted: !result?.Policy }, this.version);
        });
      }
    }
  }

  private async sweepKms(client: KMSClient): Promise<void> {
    for await (const page of paginateListKeys({ client }, {})) {
      for (const key of page.Keys ?? []) {
        if (!key.KeyArn) continue;
        this.report.keys++;
        const keyArn = key.KeyArn;
        const described = await this.guarded(keyArn, 'DescribeKey', () => this.call(() => client.send(new DescribeKeyCommand({ KeyId: keyArn }))));
        const metadata = described?.KeyMetadata;
        if (!metadata) continue;
        const patch: Partial<KeyEntry> = {};
        if (metadata.KeyState) patch.state = metadata.KeyState as KeyState;
        if (metadata.DeletionDate) patch.deletionDate = metadata.DeletionDate.getTime();
        if (metadata.Origin) patch.origin = metadata.Origin;
        if (metadata.ValidTo) patch.materialExpiresAt = metadata.ValidTo.getTime();
        this.ledger.update<KeyEntry>({ kind: 'key', arn: keyArn }, patch, this.version);
      }
    }
    for await (const page of paginateListAliases({ client }, {})) {
      for (const alias of page.Aliases ?? []) {
        if (!alias.AliasArn || !alias.TargetKeyId) continue;
        const arn = parseArn(alias.AliasArn);
        if (!arn) continue;
        const target = normalizeKeyRef(alias.TargetKeyId, { region: arn.region, accountId: arn.accountId })?.keyArn;
        if (!target) continue;
        this.report.aliases++;
        this.ledger.update<AliasEntry>({ kind: 'alias', arn: alias.AliasArn }, { targetKeyArn: target, deleted: false }, this.version);
      }
    }
  }
}

function toConfig(config: { sseAlgorithm?: string; kmsKeyArn?: string } | undefined): EncryptionConfig | undefined {
  if (!config?.sseAlgorithm) return undefined;
  return { sseAlgorithm: config.sseAlgorithm, ...(config.kmsKeyArn ? { kmsKeyArn: config.kmsKeyArn } : {}) };
}
