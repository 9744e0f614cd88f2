import fc from 'fast-check';
import { policyFromInput } from '../../src/policy/load.js';
import { describe, expect, it } from 'vitest';
import { JsonSplitter } from '../../src/events/json-splitter.js';
import { normalizeValue } from '../../src/events/normalize.js';
import { parsePiece } from '../../src/events/reader.js';
import { RULES } from '../../src/rules/index.js';
import { classify, RuleIndex } from '../../src/rules/engine.js';
import { Ledger } from '../../src/correlate/ledger.js';
import { collect, CORPUS, EVENTS, record } from '../helpers.js';

const index = new RuleIndex(RULES);
const policy = policyFromInput({ kms: { required: true } });

/** Every rule and the ledger, on one event: nothing may throw. */
function runAll(value: unknown): void {
  const ledger = new Ledger();
  for (const item of normalizeValue(value, { source: 'fuzz' })) {
    if (item.kind !== 'event') continue;
    const errors: unknown[] = [];
    classify(item.event, index, { ledger, policy }, (_rule, _event, error) => errors.push(error));
    expect(errors).toEqual([]);
    ledger.apply(item.event);
  }
}

const sources = ['s3tables.amazonaws.com', 's3.amazonaws.com', 'kms.amazonaws.com', 'cloudtrail.amazonaws.com', 'athena.amazonaws.com', 'events.amazonaws.com', 'lambda.amazonaws.com'];
const names = [...new Set(RULES.flatMap((r) => r.triggers.flatMap((t) => t.eventNames)))];

describe('fuzzing the readers and the rules', () => {
  it('the splitter and parser never throw on arbitrary text, split anywhere', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), fc.integer({ min: 1, max: 50 }), (text, size) => {
        const splitter = new JsonSplitter();
        const outputs = [];
        for (let i = 0; i < text.length; i += size) outputs.push(...splitter.push(text.slice(i, i + size)));
        outputs.push(...splitter.end());
        for (const output of outputs) if (output.kind === 'piece') parsePiece(output.piece.text, { source: 'fuzz', line: output.piece.line });
      }),
      { numRuns: 500 },
    );
  });

  it('normalisation never throws on arbitrary JSON', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => { normalizeValue(value, { source: 'fuzz' }); }), { numRuns: 500 });
  });

  it('no rule and no ledger applier throws on records with arbitrary request and response shapes', () => {
    const anything = fc.jsonValue({ maxDepth: 3 });
    const shaped = fc.record({
      eventSource: fc.constantFrom(...sources),
      eventName: fc.constantFrom(...names),
      requestParameters: fc.oneof(fc.constant(null), fc.dictionary(fc.constantFrom('tableBucketARN', 'namespace', 'name', 'encryptionConfiguration', 'keyId', 'bucketName', 'ServerSideEncryptionConfiguration', 'bucketPolicy', 'policy', 'resourcePolicy', 'encryptionContext', 'granteePrincipal', 'eventSelectors', 'advancedEventSelectors', 'configurationUpdates', 'resultConfiguration', 'x-amz-server-side-encryption', 'x-amz-server-side-encryption-aws-kms-key-id', 'functionName', 'aliasName', 'targetKeyId', 'validTo', 'kmsKeyId'), anything)),
      responseElements: fc.oneof(fc.constant(null), fc.dictionary(fc.constantFrom('tableARN', 'arn', 'keyId', 'keyMetadata', 'deletionDate', 'keyState', 'trailARN', 'grantId'), anything)),
      errorCode: fc.option(fc.constantFrom('AccessDenied', 'DisabledException'), { nil: undefined }),
      resources: fc.option(fc.array(fc.oneof(anything, fc.record({ ARN: fc.string() }))), { nil: undefined }),
    });
    fc.assert(fc.property(shaped, (fields) => runAll(record(fields as Record<string, unknown>))), { numRuns: 1500 });
  });

  it('real sample events with random fields removed or replaced: no exception escapes, every rejection names its reason', async () => {
    const samples: Record<string, unknown>[] = [];
    for (const item of await collect([EVENTS, CORPUS])) {
      if (item.kind !== 'event') continue;
      // the EventBridge envelope as it came, or the bare record
      samples.push(structuredClone(item.event.detailType ? { version: '0', id: item.event.eventId, 'detail-type': item.event.detailType, source: `aws.${item.event.eventSource.split('.')[0]}`, account: item.event.account, time: item.event.eventTime, region: item.event.awsRegion, resources: [], detail: item.event.raw } : item.event.raw));
    }
    expect(samples.length).toBeGreaterThan(200);
    /** Paths into a value, so a mutation can hit any depth of a real record. */
    const paths = (value: unknown, prefix: (string | number)[] = []): (string | number)[][] => {
      if (!value || typeof value !== 'object') return [prefix];
      return [prefix, ...Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => paths(child, [...prefix, Array.isArray(value) ? Number(key) : key]))];
    };
    const mutation = fc.record({ sample: fc.nat(samples.length - 1), pick: fc.nat(), remove: fc.boolean(), value: fc.jsonValue({ maxDepth: 2 }) });
    fc.assert(fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
      const value = structuredClone(samples[mutations[0]!.sample]!);
      for (const { pick, remove, value: replacement } of mutations) {
        const all = paths(value).filter((p) => p.length > 0);
        const path = all[pick % all.length]!;
        const parent = path.slice(0, -1).reduce<any>((node, key) => node[key], value);
        if (remove && !Array.isArray(parent)) delete parent[path.at(-1)!];
        else parent[path.at(-1)!] = replacement;
      }
      for (const item of normalizeValue(value, { source: 'mutated' })) {
        if (item.kind === 'error') expect(item.error.reason.length).toBeGreaterThan(10);
        if (item.kind === 'skip') expect(item.skip.reason.length).toBeGreaterThan(10);
      }
      runAll(value);
    }), { numRuns: Number(process.env['FUZZ_RUNS'] ?? 1500) });
  });
});
