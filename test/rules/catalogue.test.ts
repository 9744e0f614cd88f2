import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as athena from '@aws-sdk/client-athena';
import * as cloudformation from '@aws-sdk/client-cloudformation';
import * as cloudtrail from '@aws-sdk/client-cloudtrail';
import * as cloudwatch from '@aws-sdk/client-cloudwatch';
import * as logs from '@aws-sdk/client-cloudwatch-logs';
import * as dynamodb from '@aws-sdk/client-dynamodb';
import * as eventbridge from '@aws-sdk/client-eventbridge';
import * as lambda from '@aws-sdk/client-lambda';
import * as sns from '@aws-sdk/client-sns';
import * as sqs from '@aws-sdk/client-sqs';
import * as kms from '@aws-sdk/client-kms';
import * as s3 from '@aws-sdk/client-s3';
import * as s3tables from '@aws-sdk/client-s3tables';
import * as iam from '@aws-sdk/client-iam';
import * as ssm from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { LEDGER_TRIGGERS } from '../../src/correlate/ledger.js';
import { isKmsNativeEvent, isServiceEvent, LEGACY_EVENT_NAMES, operationOfEventName } from '../../src/events/catalog.js';
import { normalizeValue } from '../../src/events/normalize.js';
import type { CloudTrailEvent } from '../../src/events/types.js';
import { RULES } from '../../src/rules/index.js';
import { RULE_DOCS } from '../../src/rules/docs.js';
import { classify, RuleIndex } from '../../src/rules/engine.js';
import { Ledger } from '../../src/correlate/ledger.js';
import { EVENTS, examplePolicy } from '../helpers.js';

const CLIENTS: Record<string, Record<string, unknown>> = {
  'athena.amazonaws.com': athena,
  'cloudtrail.amazonaws.com': cloudtrail,
  'kms.amazonaws.com': kms,
  's3.amazonaws.com': s3,
  's3tables.amazonaws.com': s3tables,
  'events.amazonaws.com': eventbridge,
  'lambda.amazonaws.com': lambda,
  'sns.amazonaws.com': sns,
  'sqs.amazonaws.com': sqs,
  'dynamodb.amazonaws.com': dynamodb,
  'ssm.amazonaws.com': ssm,
  'iam.amazonaws.com': iam,
  'monitoring.amazonaws.com': cloudwatch,
  'logs.amazonaws.com': logs,
  'cloudformation.amazonaws.com': cloudformation,
};

describe('event names', () => {
  const triggers = [...RULES.flatMap((rule) => rule.triggers.map((t) => ({ ...t, owner: rule.id }))), ...LEDGER_TRIGGERS.map((t) => ({ ...t, owner: 'ledger' }))];
  it.each(triggers.flatMap((t) => t.eventNames.map((name) => [t.owner, t.eventSource, name] as const)))(
    '%s reads %s %s, an operation of the AWS SDK client or a documented service event',
    (_owner, eventSource, eventName) => {
      const client = CLIENTS[eventSource];
      expect(client, `no SDK client checked for ${eventSource}`).toBeDefined();
      const known =
        `${operationOfEventName(eventSource, eventName)}Command` in client! ||
        isServiceEvent(eventSource, eventName) ||
        isKmsNativeEvent(eventSource, eventName) ||
        (LEGACY_EVENT_NAMES[eventSource] ?? []).includes(eventName);
      expect(known).toBe(true);
    },
  );
});

describe('failed calls', () => {
  it('never raise a "change happened" finding: only rules declared to read failures fire on them', async () => {
    const readsFailures = new Set(RULES.filter((r) => r.readsFailedCalls).map((r) => r.id));
    expect([...readsFailures].sort()).toEqual(['kms.access-denied', 's3tables.encryption-config-read', 's3tables.kms-access-denied']);
    const policy = await examplePolicy();
    const index = new RuleIndex(RULES);
    const fixtures = [...new Set(RULES.flatMap((r) => [...RULE_DOCS[r.id]!.fixtures.positive, ...RULE_DOCS[r.id]!.fixtures.negative]).filter((f) => f.endsWith('.json')))];
    let checked = 0;
    for (const fixture of fixtures) {
      const value = JSON.parse(await readFile(join(EVENTS, fixture), 'utf8'));
      const ledger = new Ledger();
      for (const item of normalizeValue(value, { source: fixture })) {
        if (item.kind !== 'event') continue;
        const failed: CloudTrailEvent = { ...item.event, errorCode: 'AccessDenied', errorMessage: 'Access Denied' };
        const findings = classify(failed, index, { ledger, policy });
        expect(findings.filter((f) => !readsFailures.has(f.ruleId)).map((f) => f.ruleId), fixture).toEqual([]);
        ledger.apply(item.event);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(40);
  });
});

describe('operationOfEventName', () => {
  it('maps Lambda\'s versioned event names to operations and leaves others alone', () => {
    expect(operationOfEventName('lambda.amazonaws.com', 'UpdateFunctionConfiguration20150331v2')).toBe('UpdateFunctionConfiguration');
    expect(operationOfEventName('lambda.amazonaws.com', 'PutFunctionConcurrency20171031')).toBe('PutFunctionConcurrency');
    expect(operationOfEventName('kms.amazonaws.com', 'DisableKey')).toBe('DisableKey');
  });
  it('rejects a name CloudTrail never emits', () => {
    expect(`${operationOfEventName('kms.amazonaws.com', 'kms:DisableKey')}Command` in kms).toBe(false);
    expect('DeleteBucketEncryptionCommand' in s3).toBe(true);
  });
});

describe('DESIGN §5 catalogue', () => {
  // the rule ids of ../shared/DESIGN.md §5, copied so the test needs nothing outside the repository
  const CATALOGUE = `s3tables.bucket-encryption-removed s3tables.bucket-encryption-weakened s3tables.bucket-key-unapproved
    s3tables.table-key-unapproved s3tables.table-created-without-kms s3tables.kms-access-denied s3tables.encryption-config-read
    s3tables.sse-enforcement-removed s3.bucket-encryption-removed s3.bucket-encryption-weakened s3.bucket-key-unapproved
    s3.aws-managed-key s3.key-alias-reference s3.bucket-key-disabled s3.sse-enforcement-removed s3.object-unexpected-encryption
    s3.sse-c-write s3.sse-c-unblocked kms.key-deletion-scheduled kms.key-disabled kms.key-recovered kms.imported-key-material-deleted
    kms.imported-key-material-expiring kms.key-policy-public kms.key-policy-cross-account kms.key-policy-service-access-removed
    kms.grant-external kms.rotation-disabled kms.external-key-created kms.access-denied kms.decrypt-spike kms.cross-account-use
    kms.per-object-data-keys cloudtrail.logging-stopped cloudtrail.trail-deleted cloudtrail.trail-encryption-removed
    cloudtrail.data-events-reduced athena.query-results-unencrypted athena.workgroup-encryption-weakened sentinel.detector-tampered`
    .split(/\s+/)
    .filter(Boolean);

  it('has every rule id, and no other', () => {
    expect(RULES.map((r) => r.id).sort()).toEqual([...CATALOGUE].sort());
  });
});
