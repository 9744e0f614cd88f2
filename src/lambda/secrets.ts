import type { SSMClient } from '@aws-sdk/client-ssm';

const DEFAULT_TTL_MS = 5 * 60 * 1000;

/**
 * A SecureString parameter, decrypted and cached for a while (the webhook URL is a secret: it never goes in an
 * environment variable value or a log line). A missing parameter means "not configured" and is cached too.
 */
export class CachedSecret {
  private value: string | undefined;
  private fetchedAt = -Infinity;

  constructor(
    private readonly client: SSMClient,
    private readonly name: string,
    private readonly ttlMs = DEFAULT_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  async get(): Promise<string | undefined> {
    if (this.now() - this.fetchedAt < this.ttlMs) return this.value;
    try {
      const { GetParameterCommand } = await import('@aws-sdk/client-ssm');
      const result = await this.client.send(new GetParameterCommand({ Name: this.name, WithDecryption: true }));
      this.value = result.Parameter?.Value || undefined;
    } catch (error) {
      if ((error as Error).name !== 'ParameterNotFound') throw new Error(`cannot read the secret parameter ${this.name}: ${(error as Error).name}`);
      this.value = undefined;
    }
    this.fetchedAt = this.now();
    return this.value;
  }
}

let slackSecret: CachedSecret | undefined;

/** The Slack webhook URL from the SSM parameter named by SLACK_WEBHOOK_PARAMETER, if one is configured. */
export async function slackWebhookUrl(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const name = env['SLACK_WEBHOOK_PARAMETER'];
  if (!name || env['IS_LOCAL']) return undefined;
  if (!slackSecret) {
    const { SSMClient } = await import('@aws-sdk/client-ssm');
    slackSecret = new CachedSecret(new SSMClient({}), name);
  }
  return slackSecret.get();
}
