import { S3TABLES_SOURCE } from '../../correlate/s3tables.js';
import type { CloudTrailEvent } from '../../events/types.js';

export { S3TABLES_SOURCE };

export const S3TABLES_KMS_DOCS = 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-tables-kms-encryption.html';
export const S3TABLES_KMS_PERMISSIONS_DOCS = 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-tables-kms-permissions.html';
export const S3TABLES_LOGGING_DOCS = 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-tables-logging.html';
export const MITRE_DATA_ENCRYPTED_FOR_IMPACT = 'MITRE ATT&CK T1486 Data Encrypted for Impact';
export const MITRE_IMPAIR_DEFENSES = 'MITRE ATT&CK T1562 Impair Defenses';

export function succeeded(event: CloudTrailEvent): boolean {
  return event.errorCode === undefined;
}
