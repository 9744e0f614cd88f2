/** Where a record came from, so that errors and findings can point back at it. */
export interface InputLocation {
  /** File path, `<stdin>`, or `<lambda>` for a Lambda trigger. */
  source: string;
  /** 1-based line of the first character of the record, when the input is text. */
  line?: number;
  /** 0-based index of the record inside its input. */
  index?: number;
}

export type IdentityKind =
  | 'IAMUser'
  | 'AssumedRole'
  | 'Root'
  | 'FederatedUser'
  | 'AWSService'
  | 'AWSAccount'
  | 'AWSInternal'
  | 'IdentityCenterUser'
  | 'Unknown';

/** The caller, normalised over the userIdentity variants CloudTrail writes. */
export interface Principal {
  kind: IdentityKind;
  /** A stable identifier for display and matching: an ARN, a service name or `AWS Internal`. */
  id: string;
  arn?: string;
  accountId?: string;
  /** For assumed roles: the IAM role ARN that issued the session. */
  roleArn?: string;
  sessionName?: string;
  /** The AWS service that made the call on the principal's behalf, if any. */
  invokedBy?: string;
}

export interface ResourceRef {
  arn: string;
  type?: string;
  accountId?: string;
}

export type JsonObject = Record<string, unknown>;

/**
 * One CloudTrail record (or KMS's own EventBridge event), loosely validated.
 * Unknown fields are kept in `raw`; the typed fields are the ones the core reads.
 */
export interface CloudTrailEvent {
  eventId: string;
  eventName: string;
  eventSource: string;
  /** ISO-8601, as CloudTrail writes it (normalised to `YYYY-MM-DDTHH:MM:SSZ` when parseable). */
  eventTime: string;
  /** Milliseconds since the epoch; NaN never escapes normalisation. */
  eventTimeMs: number;
  eventType: string;
  awsRegion: string;
  /** The account the event was delivered to (recipientAccountId, else the envelope account, else the caller's). */
  account: string;
  principal: Principal;
  sourceIp?: string;
  userAgent?: string;
  errorCode?: string;
  errorMessage?: string;
  readOnly?: boolean;
  requestParameters: JsonObject;
  responseElements: JsonObject;
  additionalEventData: JsonObject;
  serviceEventDetails: JsonObject;
  resources: ResourceRef[];
  /** The EventBridge `detail-type`, when the record arrived in an envelope. */
  detailType?: string;
  location: InputLocation;
  raw: JsonObject;
}

/** A piece of input that could not be turned into an event. Never thrown across the pipeline: reported. */
export interface InputError {
  location: InputLocation;
  reason: string;
}

/** A piece of input deliberately not processed (for example a CloudTrail digest file). */
export interface InputSkip {
  location: InputLocation;
  reason: string;
}

export type ReadItem =
  | { kind: 'event'; event: CloudTrailEvent }
  | { kind: 'error'; error: InputError }
  | { kind: 'skip'; skip: InputSkip }
  | PassedRecord;

/**
 * A valid CloudTrail record of an event the reader was told nothing reads (see ReadOptions): counted, not normalised.
 * Most records of a real log file are other services' calls, and normalising each only to pass over it cost ~1 µs.
 */
export interface PassedRecord {
  kind: 'passed';
}

/** Which events the consumer reads, by source and name (Pipeline.reads): a reader passes over the records of the rest. */
export type ReadsEvent = (event: Pick<CloudTrailEvent, 'eventSource' | 'eventName'>) => boolean;

export interface ReadOptions {
  /** Without it every record is normalised. */
  reads?: ReadsEvent;
}

export function formatLocation(location: InputLocation): string {
  let text = location.source;
  if (location.line !== undefined) text += `:${location.line}`;
  if (location.index !== undefined) text += ` (record ${location.index})`;
  return text;
}
