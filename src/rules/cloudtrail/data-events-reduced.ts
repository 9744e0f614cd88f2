import { trailArnOf } from '../../correlate/cloudtrail.js';
import type { JsonObject } from '../../events/types.js';
import type { Rule, RuleDocs } from '../rule.js';
import { CLOUDTRAIL_SOURCE, MITRE_DISABLE_CLOUD_LOGS } from './common.js';

const WATCHED_SOURCES = ['kms.amazonaws.com'];

function objects(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.filter((v): v is JsonObject => !!v && typeof v === 'object') : [];
}

/** What a basic event-selector set no longer records. */
function basicGaps(selectors: JsonObject[]): string[] {
  const gaps: string[] = [];
  const management = selectors.filter((s) => s['includeManagementEvents'] !== false);
  if (management.length === 0) gaps.push('management events (key, bucket and table changes)');
  else if (management.every((s) => s['readWriteType'] === 'ReadOnly')) gaps.push('write management events');
  const excluded = new Set(management.flatMap((s) => (Array.isArray(s['excludeManagementEventSources']) ? s['excludeManagementEventSources'] : [])));
  for (const source of WATCHED_SOURCES) if (management.length > 0 && management.every(() => excluded.has(source))) gaps.push(`${source} events`);
  return gaps;
}

/** What an advanced event-selector set no longer records. */
function advancedGaps(selectors: JsonObject[]): string[] {
  const fields = (s: JsonObject) => objects(s['fieldSelectors']);
  const management = selectors.filter((s) => fields(s).some((f) => f['field'] === 'eventCategory' && Array.isArray(f['equals']) && f['equals'].includes('Management')));
  if (management.length === 0) return ['management events (key, bucket and table changes)'];
  const writes = management.filter((s) => !fields(s).some((f) => f['field'] === 'readOnly' && Array.isArray(f['equals']) && f['equals'].includes('true')));
  return writes.length === 0 ? ['write management events'] : [];
}

export const dataEventsReduced: Rule = {
  id: 'cloudtrail.data-events-reduced',
  title: 'CloudTrail event selectors stop recording what sse-sentinel watches',
  severity: 'HIGH',
  runbook: [
    '1. Restore the selectors from your infrastructure code: management events All, no excluded sources, plus data events for the S3 buckets and S3 Tables your policy protects.',
    '2. Review the principal ("by") and replay the gap from an organization trail or CloudTrail Lake.',
  ].join('\n'),
  triggers: [{ eventSource: CLOUDTRAIL_SOURCE, eventNames: ['PutEventSelectors'] }],
  match(event) {
    if (event.errorCode) return [];
    const request = event.requestParameters;
    const basic = objects(request['eventSelectors']);
    const advanced = objects(request['advancedEventSelectors']);
    if (basic.length === 0 && advanced.length === 0) return [];
    const gaps = advanced.length > 0 ? advancedGaps(advanced) : basicGaps(basic);
    if (gaps.length === 0) return [];
    const trail = trailArnOf(event) ?? 'unknown trail';
    return [{ summary: `trail ${trail} no longer records ${gaps.join(', ')}`, resources: [trail], current: advanced.length > 0 ? { advancedEventSelectors: advanced } : { eventSelectors: basic } }];
  },
};

export const dataEventsReducedDocs: RuleDocs = {
  description:
    'PutEventSelectors left the trail without management events (or without write management events, or without KMS events). sse-sentinel receives CloudTrail events through EventBridge only while a trail is logging: this change can blind it too.',
  references: [MITRE_DISABLE_CLOUD_LOGS, 'https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutEventSelectors.html'],
  fixtures: { positive: ['cloudtrail/PutEventSelectors.management-off.json'], negative: ['cloudtrail/PutEventSelectors.all.json'] },
};
