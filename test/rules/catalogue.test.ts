import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as athena from '@aws-sdk/client-athena';
import * as cloudtrail from '@aws-sdk/client-cloudtrail';
import * as dynamodb from '@aws-sdk/client-dynamodb';
import * as eventbridge from '@aws-sdk/client-eventbridge';
import * as lambda from '@aws-sdk/client-lambda';
import * as sns from '@aws-sdk/client-sns';
import * as sqs from '@aws-sdk/client-sqs';
import * as kms from '@aws-sdk/client-kms';
import * as s3 from '@aws-sdk/client-s3';
import * as s3tables from '@aws-sdk/client-s3tables';
import { describe, expect, it } from 'vitest';
import { LEDGER_TRIGGERS } from '../../src/correlate/ledger.js';
import { isKmsNativeEvent, isServiceEvent, LEGACY_EVENT_NAMES, operationOfEventName } from '../../src/events/catalog.js';
import { normalizeValue } from '../../src/events/normalize.js';
import type { CloudTrailEvent } from '../../src/events/types.js';
import { RULES } from '../../src/rules/index.js';
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
    const fixtures = [...new Set(RULES.flatMap((r) => [...r.fixtures.positive, ...r.fixtures.negative]).filter((f) => f.endsWith('.json')))];
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
