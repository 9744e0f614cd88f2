import { parseArn, parseS3Arn, parseS3TablesArn } from '../correlate/arn.js';
import type { Finding } from './finding.js';

export interface AlertLink {
  label: string;
  url: string;
}

const enc = encodeURIComponent;

/** Console deep links: the CloudTrail event (management events only: event history has no data events), key, bucket, table bucket. */
export function consoleLinks(finding: Finding): AlertLink[] {
  const links: AlertLink[] = [];
  const region = finding.region || 'us-east-1';
  if (finding.managementEvent !== false && /^[0-9a-f-]{36}$/i.test(finding.eventId)) {
    links.push({ label: 'CloudTrail event', url: `https://${enc(region)}.console.aws.amazon.com/cloudtrailv2/home?region=${enc(region)}#/events/${enc(finding.eventId)}` });
  }
  const key = parseArn(finding.keyArn);
  if (key?.service === 'kms' && key.resource.startsWith('key/')) {
    links.push({ label: 'KMS key', url: `https://${enc(key.region)}.console.aws.amazon.com/kms/home?region=${enc(key.region)}#/kms/keys/${enc(key.resource.slice(4))}` });
  }
  for (const arn of finding.resources) {
    const tables = parseS3TablesArn(arn);
    if (tables) {
      links.push({ label: 'Table bucket', url: `https://${enc(tables.region)}.console.aws.amazon.com/s3/table-buckets/${enc(tables.region)}/${enc(tables.bucketName)}?region=${enc(tables.region)}` });
      break;
    }
    const s3 = parseS3Arn(arn);
    if (s3) {
      links.push({ label: 'S3 bucket', url: `https://s3.console.aws.amazon.com/s3/buckets/${enc(s3.bucket)}?region=${enc(region)}&tab=properties` });
      break;
    }
  }
  return links;
}
