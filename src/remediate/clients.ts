import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { S3TablesClient } from '@aws-sdk/client-s3tables';
import type { RemediationClients } from './types.js';

/** Short timeouts: a hung call must fail (and be retried by the queue) rather than hold the function to its timeout. */
const TIMEOUTS = { requestHandler: { requestTimeout: 5000, connectionTimeout: 2000 }, maxAttempts: 3 } as const;

/** One client per service and Region, made on first use (resources live in the Region their ARN names). */
export function regionalClients(config: { endpoint?: string } = {}): RemediationClients {
  const cache = new Map<string, unknown>();
  const get = <C>(service: string, region: string, make: () => C): C => {
    const key = `${service}|${region}`;
    if (!cache.has(key)) cache.set(key, make());
    return cache.get(key) as C;
  };
  const common = (region: string) => ({ ...TIMEOUTS, ...(region ? { region } : {}), ...(config.endpoint ? { endpoint: config.endpoint } : {}) });
  return {
    s3: (region) => get('s3', region, () => new S3Client({ ...common(region), followRegionRedirects: true })),
    s3tables: (region) => get('s3tables', region, () => new S3TablesClient(common(region))),
    kms: (region) => get('kms', region, () => new KMSClient(common(region))),
  };
}
