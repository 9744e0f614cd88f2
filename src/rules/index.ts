import type { Rule } from './rule.js';
import { bucketEncryptionRemoved } from './s3tables/bucket-encryption-removed.js';
import { bucketEncryptionWeakened } from './s3tables/bucket-encryption-weakened.js';
import { bucketKeyUnapproved } from './s3tables/bucket-key-unapproved.js';
import { encryptionConfigRead } from './s3tables/encryption-config-read.js';
import { kmsAccessDenied } from './s3tables/kms-access-denied.js';
import { tableCreatedWithoutKms } from './s3tables/table-created-without-kms.js';
import { tableKeyUnapproved } from './s3tables/table-key-unapproved.js';

/** The explicit registry: a rule exists when it is listed here. */
export const RULES: readonly Rule[] = [
  bucketEncryptionRemoved,
  bucketEncryptionWeakened,
  bucketKeyUnapproved,
  tableKeyUnapproved,
  tableCreatedWithoutKms,
  kmsAccessDenied,
  encryptionConfigRead,
];

export const RULE_IDS: ReadonlySet<string> = new Set(RULES.map((rule) => rule.id));
