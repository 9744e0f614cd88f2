import { describe, expect, it } from 'vitest';
import { consoleLinks } from '../../src/alerts/links.js';
import type { Finding } from '../../src/alerts/finding.js';

function finding(region: string, partition: string, overrides: Partial<Finding> = {}): Finding {
  return {
    ruleId: 'kms.key-disabled', severity: 'HIGH', title: 't', summary: 's', eventId: '3d3f8a1e-0000-4000-8000-000000000001', eventName: 'DisableKey',
    eventSource: 'kms.amazonaws.com', eventTime: '2025-01-10T10:00:00Z', account: '111122223333', region, principal: 'p', resources: [`arn:${partition}:s3:::data`],
    keyArn: `arn:${partition}:kms:${region}:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab`, dedupKey: 'd', source: 'f:1', managementEvent: true,
    ...overrides,
  } as Finding;
}

describe('console links', () => {
  it('link the event, the key and the bucket in the Region\'s console', () => {
    expect(consoleLinks(finding('eu-west-1', 'aws')).map((l) => l.url)).toEqual([
      'https://eu-west-1.console.aws.amazon.com/cloudtrailv2/home?region=eu-west-1#/events/3d3f8a1e-0000-4000-8000-000000000001',
      'https://eu-west-1.console.aws.amazon.com/kms/home?region=eu-west-1#/kms/keys/1234abcd-12ab-34cd-56ef-1234567890ab',
      'https://s3.console.aws.amazon.com/s3/buckets/data?region=eu-west-1&tab=properties',
    ]);
  });

  it('use the console of China and of GovCloud there, and give none in the isolated partitions', () => {
    expect(consoleLinks(finding('cn-north-1', 'aws-cn')).map((l) => new URL(l.url).host)).toEqual(['console.amazonaws.cn', 'console.amazonaws.cn', 'console.amazonaws.cn']);
    expect(consoleLinks(finding('us-gov-west-1', 'aws-us-gov')).map((l) => new URL(l.url).host)).toEqual(Array(3).fill('console.amazonaws-us-gov.com'));
    expect(consoleLinks(finding('us-iso-east-1', 'aws-iso'))).toEqual([]);
  });

  it('link no event a data event or an id that is not CloudTrail\'s names, and escape what the event supplied', () => {
    expect(consoleLinks(finding('us-east-1', 'aws', { managementEvent: false })).map((l) => l.label)).toEqual(['KMS key', 'S3 bucket']);
    expect(consoleLinks(finding('us-east-1', 'aws', { eventId: 'x"><script>' })).map((l) => l.label)).toEqual(['KMS key', 'S3 bucket']);
    const [, , bucket] = consoleLinks(finding('us-east-1', 'aws', { resources: ['arn:aws:s3:::a&b=c'] }));
    expect(bucket?.url).toBe('https://s3.console.aws.amazon.com/s3/buckets/a%26b%3Dc?region=us-east-1&tab=properties');
  });
});
