import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonSplitter, type SplitterOutput } from '../../src/events/json-splitter.js';

function split(text: string, chunkSizes: number[] = [text.length || 1]): SplitterOutput[] {
  const splitter = new JsonSplitter();
  const out: SplitterOutput[] = [];
  let offset = 0;
  let i = 0;
  while (offset < text.length) {
    const size = Math.max(1, chunkSizes[i++ % chunkSizes.length]!);
    out.push(...splitter.push(text.slice(offset, offset + size)));
    offset += size;
  }
  out.push(...splitter.end());
  return out;
}

const pieces = (out: SplitterOutput[]) => out.flatMap((o) => (o.kind === 'piece' ? [o.piece] : []));
const problems = (out: SplitterOutput[]) => out.flatMap((o) => (o.kind === 'problem' ? [o.problem] : []));

describe('JsonSplitter', () => {
  it('streams the elements of a CloudTrail log file, not the wrapper', () => {
    const text = '{"Records":[\n{"a":1},\n{"b":"x}]"}\n]}';
    expect(pieces(split(text))).toEqual([
      { text: '{"a":1}', line: 2, index: 0 },
      { text: '{"b":"x}]"}', line: 3, index: 1 },
    ]);
  });

  it('ignores other keys of the wrapper, before and after Records', () => {
    const text = '{"meta":{"x":[{"no":1}]},"Records":[{"a":1}],"tail":[{"no":2}]}';
    expect(pieces(split(text)).map((p) => p.text)).toEqual(['{"a":1}']);
  });

  it('emits a plain object whole when it has no Records', () => {
    expect(pieces(split('{"detail":{"Records":[1]},"x":"y"}')).map((p) => p.text)).toEqual(['{"detail":{"Records":[1]},"x":"y"}']);
  });

  it('splits NDJSON and concatenated values with their lines', () => {
    const out = pieces(split('{"a":1}\n\n{"b":2} {"c":3}\n'));
    expect(out.map((p) => [p.text, p.line])).toEqual([['{"a":1}', 1], ['{"b":2}', 3], ['{"c":3}', 3]]);
  });

  it('splits a top-level array, including scalar elements', () => {
    expect(pieces(split('[{"a":1}, 2, "s", null]')).map((p) => p.text)).toEqual(['{"a":1}', '2', '"s"', 'null']);
  });

  it('handles escaped quotes and backslashes in strings', () => {
    const text = '[{"a":"he said \\"}\\" \\\\"}, {"b":"\\\\\\""}]';
    expect(pieces(split(text)).map((p) => JSON.parse(p.text))).toEqual([{ a: 'he said "}" \\' }, { b: '\\"' }]);
  });

  it('reports a truncated value with the line it started on', () => {
    const out = split('{"Records":[{"a":1},\n{"b":');
    expect(pieces(out).map((p) => p.text)).toEqual(['{"a":1}']);
    expect(problems(out)).toEqual([expect.objectContaining({ line: 2, reason: expect.stringContaining('truncated') })]);
  });

  it('recovers after a line cut off inside a string (truncated NDJSON line)', () => {
    const out = split('{"a":"cut\n{"b":2}\n');
    expect(problems(out)).toHaveLength(1);
    expect(problems(out)[0]!.line).toBe(1);
    expect(pieces(out).map((p) => p.text)).toEqual(['{"b":2}']);
  });

  it('gives the same pieces whatever the chunk boundaries (property)', () => {
    const record = fc.record({
      eventName: fc.string(),
      n: fc.integer(),
      nested: fc.array(fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.boolean(), fc.constant(null))), { maxLength: 3 }),
    });
    fc.assert(
      fc.property(fc.array(record, { maxLength: 6 }), fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 5 }), fc.boolean(), (records, chunks, wrapped) => {
        const text = wrapped ? JSON.stringify({ Records: records }, null, 1) : records.map((r) => JSON.stringify(r)).join('\n');
        const out = split(text, chunks);
        expect(problems(out)).toEqual([]);
        expect(pieces(out).map((p) => JSON.parse(p.text))).toEqual(records);
      }),
      { numRuns: 300 },
    );
  });

  it('names the line each piece starts on in pretty-printed log files, whatever the chunk boundaries (property)', () => {
    const value = fc.letrec((tie) => ({
      leaf: fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)),
      node: fc.oneof({ depthSize: 'small' }, tie('leaf'), fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(fc.string(), tie('node'), { maxKeys: 3 })),
    })).node;
    fc.assert(
      fc.property(fc.array(fc.dictionary(fc.string(), value, { maxKeys: 4 }), { maxLength: 5 }), fc.array(fc.integer({ min: 1, max: 23 }), { minLength: 1, maxLength: 5 }), (records, chunks) => {
        // a key before Records holding nested objects and arrays (even a "Records" of its own) must not be taken for it
        const text = JSON.stringify({ before: { Records: [{ not: 'this' }], list: [[1], { a: [] }] }, Records: records }, null, 2);
        const out = split(text, chunks);
        expect(problems(out)).toEqual([]);
        const found = pieces(out);
        expect(found.map((p) => JSON.parse(p.text))).toEqual(records);
        let from = text.lastIndexOf('"Records": [');
        for (const piece of found) {
          const at = text.indexOf(piece.text, from);
          expect(piece.line).toBe(text.slice(0, at).split('\n').length);
          from = at + piece.text.length;
        }
      }),
      { numRuns: 300 },
    );
  });
});
