import { partitionOf, s3BucketArn } from '../../correlate/arn.js';
import type { JsonObject } from '../../events/types.js';
import type { Rule, RuleDocs } from '../rule.js';

export const ATHENA_SOURCE = 'athena.amazonaws.com';
export const ATHENA_ENCRYPTION_DOCS = 'https://docs.aws.amazon.com/athena/latest/ug/encrypting-query-results-stored-in-s3.html';

export const queryResultsUnencrypted: Rule = {
  id: 'athena.query-results-unencrypted',
  title: 'Athena query results written without encryption settings',
  severity: 'MEDIUM',
  runbook: [
    '1. Make the workgroup enforce encryption: aws athena update-work-group --work-group <name> --configuration-updates ' +
      '\'EnforceWorkGroupConfiguration=true,ResultConfigurationUpdates={EncryptionConfiguration={EncryptionOption=SSE_KMS,KmsKey=<key ARN>}}\'.',
    '2. Or pass --result-configuration EncryptionConfiguration={EncryptionOption=SSE_KMS,KmsKey=<key ARN>} on each query.',
  ].join('\n'),
  triggers: [{
    eventSource: ATHENA_SOURCE,
    eventNames: ['StartQueryExecution'],
    detailFilter: { requestParameters: { resultConfiguration: { outputLocation: [{ exists: true }], encryptionConfiguration: [{ exists: false }] } } },
  }],
  match(event) {
    if (event.errorCode) return [];
    const result = event.requestParameters['resultConfiguration'] as JsonObject | undefined;
    const location = result?.['outputLocation'];
    if (typeof location !== 'string' || result?.['encryptionConfiguration']) return [];
    const workGroup = typeof event.requestParameters['workGroup'] === 'string' ? event.requestParameters['workGroup'] : 'primary';
    const bucket = /^s3:\/\/([^/]+)/.exec(location)?.[1];
    return [{
      summary: `query ${String(event.responseElements['queryExecutionId'] ?? '')} writes results to ${location} with no encryption configuration (workgroup ${workGroup})`,
      resources: [`arn:${partitionOf(event.awsRegion)}:athena:${event.awsRegion}:${event.account}:workgroup/${workGroup}`, ...(bucket ? [s3BucketArn(bucket, partitionOf(event.awsRegion))] : [])],
      dedupResource: `${workGroup}|${event.principal.id}`,
    }];
  },
};

export const queryResultsUnencryptedDocs: RuleDocs = {
  description:
    'StartQueryExecution set a result location without an encryption configuration. Unless the workgroup enforces its own settings, ' +
    'results (often copies of sensitive table data) are written with only the result bucket\'s default encryption. The ledger does not ' +
    'track workgroups yet, so this fires whenever the request itself leaves encryption out.',
  references: [ATHENA_ENCRYPTION_DOCS],
  fixtures: { positive: ['athena/StartQueryExecution.no-encryption.json'], negative: ['athena/StartQueryExecution.sse-kms.json'] },
};
