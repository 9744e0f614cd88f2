import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import type { Finding } from '../alerts/finding.js';
import { readMaybeGzipStream } from '../events/reader.js';
import { formatLocation, type CloudTrailEvent } from '../events/types.js';
import type { Pipeline } from '../pipeline.js';

export interface LogObject {
  bucket: string;
  key: string;
}

export interface LogFileResult {
  object: string;
  records: number;
  findings: Finding[];
  duplicates: number;
  errors: string[];
  skipped?: string;
}

/** CloudTrail digest files (…/CloudTrail-Digest/…) hold hashes, not events. */
export function isDigestKey(key: string): boolean {
  return key.includes('/CloudTrail-Digest/');
}

/**
 * Streams one CloudTrail log object from S3 through the pipeline: gzip decompressed on the fly and records split one
 * at a time, so memory stays flat whatever the object's size. Unreadable records are reported; the rest still count.
 */
export async function processLogObject(s3: S3Client, object: LogObject, pipeline: Pipeline): Promise<LogFileResult> {
  const name = `s3://${object.bucket}/${object.key}`;
  const result: LogFileResult = { object: name, records: 0, findings: [], duplicates: 0, errors: [] };
  if (isDigestKey(object.key)) return { ...result, skipped: 'CloudTrail digest file' };
  const response = await s3.send(new GetObjectCommand({ Bucket: object.bucket, Key: object.key }));
  const body = response.Body as Readable | undefined;
  if (!body) throw new Error(`${name}: empty response body`);
  // records are judged in groups: one prefetch of usage counters per group (DynamoDB: one BatchGetItem), the group's
  // claims in flight together, memory bounded
  let group: CloudTrailEvent[] = [];
  const judge = async (): Promise<void> => {
    await pipeline.prepare(group);
    for (const event of group) {
      const outcome = await pipeline.process(event);
      if (outcome.duplicate) result.duplicates++;
      result.findings.push(...outcome.findings);
    }
    group = [];
  };
  try {
    // most records of a log file are other services' calls: checked and counted, not normalised (ReadOptions)
    for await (const item of readMaybeGzipStream(body, name, { reads: (event) => pipeline.reads(event) })) {
      if (item.kind === 'error') result.errors.push(`${formatLocation(item.error.location)}: ${item.error.reason}`);
      if (item.kind === 'passed') result.records++;
      if (item.kind !== 'event') continue;
      result.records++;
      group.push(item.event);
      if (group.length >= PREFETCH_GROUP) await judge();
    }
    await judge();
  } catch (error) {
    // the object is retried whole: what was judged before the failure must not count as done
    await pipeline.abandon();
    throw error;
  }
  await pipeline.save();
  return result;
}

/** Records judged per usage-counter prefetch. */
const PREFETCH_GROUP = 100;

/** The objects an "Object Created" EventBridge event (S3's own, not CloudTrail's) names. */
export function objectsOf(event: { detail?: { bucket?: { name?: string }; object?: { key?: string } } }): LogObject[] {
  const bucket = event.detail?.bucket?.name;
  const key = event.detail?.object?.key;
  return bucket && key ? [{ bucket, key: decodeURIComponent(key.replace(/\+/g, ' ')) }] : [];
}
