import type { CloudTrailEvent } from '../events/types.js';
import { parseArn, partitionOf } from './arn.js';

export const CLOUDTRAIL_SOURCE = 'cloudtrail.amazonaws.com';

/** Trails are named by bare name or ARN in requests (`name` / `trailName`); responses carry `trailARN`. */
export function trailArnOf(event: CloudTrailEvent): string | undefined {
  const response = event.responseElements['trailARN'];
  if (typeof response === 'string' && parseArn(response)) return response;
  const name = event.requestParameters['name'] ?? event.requestParameters['trailName'];
  if (typeof name !== 'string' || name.length === 0) return undefined;
  if (parseArn(name)?.service === 'cloudtrail') return name;
  if (!event.awsRegion || !event.account) return name;
  return `arn:${partitionOf(event.awsRegion)}:cloudtrail:${event.awsRegion}:${event.account}:trail/${name}`;
}
