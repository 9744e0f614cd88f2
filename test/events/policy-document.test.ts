import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePolicyDocument } from '../../src/events/policy-document.js';
import { CORPUS } from '../helpers.js';

describe('parsePolicyDocument', () => {
  it('reads the JSON-string policy of the KMS PutKeyPolicy doc example', async () => {
    const record = JSON.parse(await readFile(join(CORPUS, 'kms/doc2023__kms-devguide__PutKeyPolicy.json'), 'utf8'));
    expect(typeof record.requestParameters.policy).toBe('string');
    const result = parsePolicyDocument(record.requestParameters.policy);
    expect(result.ok && result.document.Statement.length).toBeGreaterThan(0);
  });

  it('reads the object policy of the Panther fixture, and a single Statement object', async () => {
    const record = JSON.parse(await readFile(join(CORPUS, 'kms/synthetic__panther-analysis__PutKeyPolicy_policy-as-object.json'), 'utf8'));
    expect(parsePolicyDocument(record.requestParameters.policy)).toEqual({ ok: true, document: { Version: '2012-10-17', Statement: [expect.objectContaining({ Principal: '*' })] } });
    expect(parsePolicyDocument('{"Statement":{"Effect":"Deny"}}')).toEqual({ ok: true, document: { Statement: [{ Effect: 'Deny' }] } });
  });

  it('says why a policy cannot be read', () => {
    expect(parsePolicyDocument('{"Statement":')).toMatchObject({ ok: false, reason: expect.stringMatching(/not valid JSON/) });
    expect(parsePolicyDocument(42)).toEqual({ ok: false, reason: 'policy is not a JSON object' });
    expect(parsePolicyDocument({ Version: '2012-10-17' })).toEqual({ ok: false, reason: 'policy has no Statement' });
  });
});
