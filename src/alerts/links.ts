import { parseArn, parseS3Arn, parseS3TablesArn, partitionOf } from '../correlate/arn.js';
import type { Finding } from './finding.js';

export interface AlertLink {
  label: string;
  url: string;
}

const enc = encodeURIComponent;

/**
 * The console of the Region's partition: Regional hosts in the aws partition, the partition's own console in China and
 * GovCloud; none for the isolated partitions (no public console to link to).
 */
function consoleHost(region: string): string | undefined {
  switch (partitionOf(region)) {
    case 'aws':
      return `${enc(region)}.console.aws.amazon.com`;
    case 'aws-cn':
      return 'console.amazonaws.cn';
    case 'aws-us-gov':
      return 'console.amazonaws-us-gov.com';
    default:
      return undefined;
  }
}

/** Console deep links: the CloudTrail event (management events only: event history has no data events), key, bucket, table bucket. */
export function consoleLinks(finding: Finding): AlertLink[] {
  const links: AlertLink[] = [];
  const region = finding.region || 'us-east-1';
  const host = consoleHost(region);
  if (!host) return links;
  if (finding.managementEvent !== false && /^[0-9a-f-]{36}$/i.test(finding.eventId)) {
    links.push({ label: 'CloudTrail event', url: `https://${host}/cloudtrailv2/home?region=${enc(region)}#/events/${enc(finding.eventId)}` });
  }
  const key = parseArn(finding.keyArn);
  const keyHost = key ? consoleHost(key.region) : undefined;
  if (key?.service === 'kms' && key.resource.startsWith('key/') && keyHost) {
    links.push({ label: 'KMS key', url: `https://${keyHost}/kms/home?region=${enc(key.region)}#/kms/keys/${enc(key.resource.slice(4))}` });
  }
  for (const arn of finding.resources) {
    const tables = parseS3TablesArn(arn);
    if (tables) {
      links.push({ label: 'Table bucket', url: `https://${consoleHost(tables.region) ?? host}/s3/table-buckets/${enc(tables.region)}/${enc(tables.bucketName)}?region=${enc(tables.region)}` });
      break;
    }
    const s3 = parseS3Arn(arn);
    if (s3) {
      // S3's console is global in the aws partition
      const s3Host = partitionOf(region) === 'aws' ? 's3.console.aws.amazon.com' : host;
      links.push({ label: 'S3 bucket', url: `https://${s3Host}/s3/buckets/${enc(s3.bucket)}?region=${enc(region)}&tab=properties` });
      break;
    }
  }
  return links;
}
