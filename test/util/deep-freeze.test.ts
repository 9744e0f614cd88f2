import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deepFreeze } from '../../src/util/deep-freeze.js';

/** Every object and array in a JSON value. */
function containers(value: unknown): object[] {
  if (typeof value !== 'object' || value === null) return [];
  return [value, ...Object.values(value).flatMap(containers)];
}

describe('deepFreeze', () => {
  it('freezes every object and array of a JSON value in place and returns the value itself', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => {
      const copy = structuredClone(value);
      expect(deepFreeze(copy)).toBe(copy);
      expect(containers(copy).every((container) => Object.isFrozen(container))).toBe(true);
      expect(copy).toEqual(value);
    }));
  });

  it('walks only what is not frozen yet: a list of frozen entries and one new entry', () => {
    const shared = deepFreeze([{ kind: 'bucket', encryption: { sseAlgorithm: 'AES256' } }]);
    const fresh = { kind: 'table', history: [{ encryption: { sseAlgorithm: 'aws:kms' } }] };
    const list = deepFreeze([...shared, fresh]);
    expect(list[0]).toBe(shared[0]);
    expect(Object.isFrozen(fresh.history[0]!.encryption)).toBe(true);
    expect(() => { (list[1] as typeof fresh).history.push({ encryption: { sseAlgorithm: 'AES256' } }); }).toThrow(TypeError);
  });
});
