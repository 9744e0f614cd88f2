import { bucketArnOf } from '../../correlate/s3.js';
import type { CloudTrailEvent } from '../../events/types.js';
import type { FindingDraft } from '../rule.js';
import { lastSegment } from './deployment-names.js';

/**
 * The trail bucket's notification configuration (S3 logs PutBucketNotificationConfiguration as PutBucketNotification,
 * the configuration whole under requestParameters): without EventBridgeConfiguration, S3 no longer announces the log
 * objects, and the logfile function (backfill, data events no rule selects) receives nothing, silently.
 */
export function trailBucketUnannounced(event: CloudTrailEvent, trailBuckets: readonly string[]): FindingDraft[] {
  const bucket = event.requestParameters['bucketName'];
  if (event.eventName !== 'PutBucketNotification' || typeof bucket !== 'string' || !trailBuckets.includes(bucket)) return [];
  const configuration = event.requestParameters['NotificationConfiguration'];
  // the empty <EventBridgeConfiguration/> element, however CloudTrail renders it ("" or {})
  if (configuration !== null && typeof configuration === 'object' && 'EventBridgeConfiguration' in configuration) return [];
  return [{
    summary: `the trail bucket ${bucket} no longer sends its events to EventBridge (PutBucketNotification without EventBridgeConfiguration): its log files stop reaching the logfile function`,
    resources: [bucketArnOf(event) ?? bucket],
    severity: 'CRITICAL',
  }];
}

/** Every statement of an event bus's policy removed: with them goes the one that lets member accounts forward (if any). */
export function everyBusPermissionRemoved(event: CloudTrailEvent): FindingDraft[] {
  const bus = event.requestParameters['eventBusName'];
  // the statement lives on the default bus (CloudTrail events arrive on no other)
  if (typeof bus === 'string' && lastSegment(bus) !== 'default') return [];
  return [{
    summary: 'RemovePermission removed every statement of the default event bus\'s policy: an organization\'s member accounts can no longer forward their events to it',
    resources: ['event-bus/default'],
    severity: 'HIGH',
  }];
}
