import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { SEVERITY_ORDER, type Finding } from './finding.js';

const SUBJECT_LIMIT = 99;

/** SNS Subject: under 100 characters, no line breaks or control characters. */
export function snsSubject(finding: Finding): string {
  // eslint-disable-next-line no-control-regex
  const text = `[${finding.severity}] ${finding.title}`.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  return text.length > SUBJECT_LIMIT ? `${text.slice(0, SUBJECT_LIMIT - 1)}…` : text;
}

/**
 * Publishes one finding: a versioned JSON body and message attributes subscribers can filter on.
 * (The full alert model, aggregation and retries are the alerting issue's; this is the minimal sink.)
 */
export async function publishFinding(client: SNSClient, topicArn: string, finding: Finding): Promise<void> {
  await client.send(
    new PublishCommand({
      TopicArn: topicArn,
      Subject: snsSubject(finding),
      Message: JSON.stringify({ schemaVersion: 1, finding }),
      MessageAttributes: {
        severity: { DataType: 'String', StringValue: finding.severity },
        severityScore: { DataType: 'Number', StringValue: String(SEVERITY_ORDER[finding.severity]) },
        ruleId: { DataType: 'String', StringValue: finding.ruleId },
        account: { DataType: 'String', StringValue: finding.account || 'unknown' },
        eventSource: { DataType: 'String', StringValue: finding.eventSource },
      },
    }),
  );
}
