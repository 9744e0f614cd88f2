import { describe, expect, it } from 'vitest';
import { checkDataEvents, checkLogFiles, checkTrail, type TrailFacts } from '../../src/doctor/checks.js';
import { checkHeartbeat, checkRules, checkSecret } from '../../src/doctor/deployment-checks.js';
import { configuredTrailBucket } from '../../src/doctor/expected.js';

const trail = (overrides: Partial<TrailFacts> = {}): TrailFacts => ({
  arn: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/org', multiRegion: true, logging: true, basic: [], advanced: [], ...overrides,
});
const s3Data = (arnPrefix?: string) => ({
  Name: 'data',
  FieldSelectors: [
    { Field: 'eventCategory', Equals: ['Data'] },
    { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
    ...(arnPrefix ? [{ Field: 'resources.ARN', StartsWith: [arnPrefix] }] : []),
  ],
});

describe('doctor checks', () => {
  it('wants a multi-Region trail that is logging', () => {
    expect(checkTrail([trail()]).ok).toBe(true);
    expect(checkTrail([trail({ multiRegion: false }), trail({ logging: false })])).toMatchObject({ ok: false, detail: expect.stringContaining('no multi-Region trail is logging') });
    expect(checkTrail([]).detail).toContain('no trail');
  });

  it('wants data events for every bucket and table bucket the policy protects, from a logging trail', () => {
    const patterns = { buckets: ['prod-*'], tableBuckets: ['prod-*'] };
    const tables = { Name: 't', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::S3Tables::Table'] }] };
    expect(checkDataEvents([trail({ advanced: [s3Data(), tables] })], patterns).ok).toBe(true);
    expect(checkDataEvents([trail({ advanced: [s3Data('arn:aws:s3:::prod-'), tables] })], patterns).ok).toBe(true);
    const narrow = checkDataEvents([trail({ advanced: [s3Data('arn:aws:s3:::dev-'), tables] })], patterns);
    expect(narrow).toMatchObject({ ok: false, detail: expect.stringContaining('S3 object data events for prod-*') });
    expect(checkDataEvents([trail({ logging: false, advanced: [s3Data(), tables] })], patterns).ok).toBe(false);
    expect(checkDataEvents([trail({ advanced: [s3Data()] })], patterns).detail).toContain('S3 Tables data events for prod-*');
    // classic selectors: "arn:aws:s3" means every bucket
    expect(checkDataEvents([trail({ basic: [{ DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] }] })], { buckets: ['prod-*'], tableBuckets: [] }).ok).toBe(true);
    // reads only do not record the writes the object rules judge
    const readsOnly = { ...s3Data(), FieldSelectors: [...s3Data().FieldSelectors, { Field: 'readOnly', Equals: ['true'] }] };
    expect(checkDataEvents([trail({ advanced: [readsOnly] })], { buckets: ['prod-*'], tableBuckets: [] }).ok).toBe(false);
  });

  it('wants a logging trail to deliver to the trail bucket, and the bucket to send its events to EventBridge', () => {
    const logs = trail({ bucket: 'org-trail-logs' });
    expect(checkLogFiles([logs], undefined, undefined)).toMatchObject({ ok: true, detail: expect.stringContaining('no trail bucket configured') });
    expect(checkLogFiles([logs], 'org-trail-logs', true)).toEqual({ id: 'log-files', ok: true, detail: `${logs.arn} delivers to org-trail-logs, which sends its events to EventBridge` });
    expect(checkLogFiles([logs], 'org-trail-logs', false)).toMatchObject({ ok: false, detail: expect.stringMatching(/^org-trail-logs does not send its events to EventBridge: .*EventBridgeConfiguration/) });
    // the deployment names a bucket no trail delivers to (a typo, or the trail moved): say where they deliver
    expect(checkLogFiles([logs], 'org-trail-log', true)).toMatchObject({ ok: false, detail: expect.stringMatching(/^no logging trail delivers to org-trail-log \(they deliver to org-trail-logs\)/) });
    // a stopped trail delivers nothing
    expect(checkLogFiles([trail({ bucket: 'org-trail-logs', logging: false })], 'org-trail-logs', true).ok).toBe(false);
  });

  it('reads no trail bucket from the parameter\'s default', () => {
    expect(configuredTrailBucket({ TRAIL_BUCKET: 'sse-sentinel-prod-trail-bucket-not-configured' })).toBeUndefined();
    expect(configuredTrailBucket({})).toBeUndefined();
    expect(configuredTrailBucket({ TRAIL_BUCKET: 'org-trail-logs' })).toBe('org-trail-logs');
  });

  it('wants every rule present, none disabled, the read-only ones in the state that receives read-only events', () => {
    const prefix = 'sse-sentinel-prod-';
    const rules = [
      { name: `${prefix}processor-rule-1`, state: 'ENABLED' },
      { name: `${prefix}read-only`, state: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS' },
      { name: `${prefix}kms-usage`, state: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS' },
      { name: 'someone-else', state: 'DISABLED' },
    ];
    const readOnly = [`${prefix}read-only`, `${prefix}kms-usage`];
    expect(checkRules(rules, prefix, 3, readOnly).ok).toBe(true);
    expect(checkRules(rules, prefix, 4, readOnly).detail).toContain('3 rules named sse-sentinel-prod-*, 4 expected');
    const tampered = rules.map((r) => (r.name.endsWith('rule-1') ? { ...r, state: 'DISABLED' } : r.name.endsWith('read-only') ? { ...r, state: 'ENABLED' } : r));
    const result = checkRules(tampered, prefix, 3, readOnly);
    expect(result.ok).toBe(false);
    expect(result.detail).toContain('sse-sentinel-prod-processor-rule-1 is DISABLED');
    expect(result.detail).toContain('sse-sentinel-prod-read-only is ENABLED, not ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS');
  });

  it('reports the Slack secret without its value, and a stale heartbeat', () => {
    expect(checkSecret('/s/slack', { found: true })).toEqual({ id: 'slack-secret', ok: true, detail: '/s/slack is readable' });
    expect(checkSecret('/s/slack', { error: 'AccessDeniedException' }).ok).toBe(false);
    expect(checkSecret(undefined, { found: false }).ok).toBe(true);
    const now = Date.parse('2025-01-10T10:00:00Z');
    expect(checkHeartbeat(now - 10 * 60_000, now, 45 * 60_000).ok).toBe(true);
    expect(checkHeartbeat(now - 50 * 60_000, now, 45 * 60_000)).toMatchObject({ ok: false, detail: expect.stringContaining('50 minutes ago') });
    expect(checkHeartbeat(undefined, now, 45 * 60_000).ok).toBe(false);
  });
});
