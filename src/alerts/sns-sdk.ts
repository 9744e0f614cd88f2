import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { SnsPublish } from './sns.js';

/** Publish through the SDK client (any credential source, endpoint or partition). */
export function sdkPublish(client: SNSClient): SnsPublish {
  return async (input) => {
    await client.send(new PublishCommand(input));
  };
}
