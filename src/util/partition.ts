/** The AWS partition a Region belongs to (its own module: the signed-request path needs it without the ARN parser). */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  return 'aws';
}

/**
 * The partition of an SDK client's Region, for the ARNs built from its answers (bucket names have none): aws when the
 * client has no Region, since then no call of it is real either.
 */
export async function partitionOfClient(client: { config: { region(): Promise<string> } }): Promise<string> {
  const region = await client.config.region().catch(() => undefined);
  return region ? partitionOf(region) : 'aws';
}
