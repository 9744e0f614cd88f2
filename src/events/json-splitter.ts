/**
 * Splits a stream of JSON text into the values sse-sentinel processes, without parsing them and without
 * holding more than one value in memory:
 *  - top-level values one after another (one document, NDJSON, concatenated JSON),
 *  - the elements of a top-level array,
 *  - the elements of `Records` in a CloudTrail log file `{"Records": […]}` (the wrapper is never buffered whole).
 * Each piece keeps the line it starts on so that errors can name it. Parsing is left to JSON.parse, which is
 * faster than any tokenizer written in JavaScript.
 */

export interface JsonPiece {
  text: string;
  /** 1-based line of the first character. */
  line: number;
  /** Index inside the enclosing array or `Records`, or among top-level values. */
  index: number;
}

export interface SplitterProblem {
  line: number;
  index: number;
  reason: string;
}

export type SplitterOutput = { kind: 'piece'; piece: JsonPiece } | { kind: 'problem'; problem: SplitterProblem };

const QUOTE = 34; // "
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const NEWLINE = 10;
const COMMA = 44;
const COLON = 58;

function isWhitespace(code: number): boolean {
  return code === 32 || code === 10 || code === 13 || code === 9;
}

type Mode = 'stream' | 'array' | 'records';

export class JsonSplitter {
  private text = '';
  private pos = 0;
  private line = 1;
  private depth = 0;
  private mode: Mode = 'stream';
  /** Depth at which pieces start: 0 in stream mode, 1 in a top-level array, 2 inside Records. */
  private pieceDepth = 0;
  private pieceStart = -1;
  private pieceLine = 0;
  private pieceIndex = 0;
  private topIndex = 0;
  /** Last string seen at depth 1 of a top-level object, to recognise the `Records` key. */
  private lastKeyAtDepth1: string | undefined;
  private containerLine = 0;
  /** -2: unknown; -1: no newline in the rest of the text; otherwise an index into `text`. */
  private newlineCache = -2;

  push(chunk: string): SplitterOutput[] {
    const out: SplitterOutput[] = [];
    this.text = this.text.length ? this.text + chunk : chunk;
    this.newlineCache = -2;
    this.scan(out);
    this.compact();
    return out;
  }

  /** Call at end of input: reports a value that never closed (a truncated file). */
  end(): SplitterOutput[] {
    const out: SplitterOutput[] = [];
    this.scan(out);
    const rest = this.text.slice(this.pos).trim();
    if (this.depth > 0 || this.pieceStart >= 0 || rest.length > 0) {
      const line = this.pieceStart >= 0 ? this.pieceLine : this.containerLine || this.line;
      const what = this.mode === 'records' && this.pieceStart < 0 ? 'the Records array' : 'a JSON value';
      out.push({
        kind: 'problem',
        problem: { line, index: this.currentIndex(), reason: `truncated input: ${what} starting at line ${line} never ends` },
      });
    }
    this.text = '';
    this.pos = 0;
    this.pieceStart = -1;
    this.depth = 0;
    return out;
  }

  private currentIndex(): number {
    return this.mode === 'stream' ? this.topIndex : this.pieceIndex;
  }

  /** Drops text that no pending piece needs, so memory stays bounded by the largest single record. */
  private compact(): void {
    const keepFrom = this.pieceStart >= 0 ? this.pieceStart : this.pos;
    if (keepFrom > 0) {
      this.newlineCache = -2;
      this.text = this.text.slice(keepFrom);
      this.pos -= keepFrom;
      if (this.pieceStart >= 0) this.pieceStart -= keepFrom;
    }
  }

  private startPiece(at: number): void {
    this.pieceStart = at;
    this.pieceLine = this.line;
  }

  private emitPiece(endExclusive: number, out: SplitterOutput[]): void {
    const index = this.mode === 'stream' ? this.topIndex++ : this.pieceIndex++;
    out.push({ kind: 'piece', piece: { text: this.text.slice(this.pieceStart, endExclusive), line: this.pieceLine, index } });
    this.pieceStart = -1;
  }

  private scan(out: SplitterOutput[]): void {
    const text = this.text;
    const length = text.length;
    let i = this.pos;
    while (i < length) {
      const code = text.charCodeAt(i);
      if (code === QUOTE) {
        const close = this.findStringEnd(text, i + 1);
        if (close === -1) break; // string continues in the next chunk: resume at its opening quote
        if (close === -2) {
          // a raw newline inside a string: that value is broken (typically a truncated NDJSON line)
          this.recoverFromBrokenLine(text, i, out);
          i = this.pos;
          continue;
        }
        const startsPiece = this.depth === this.pieceDepth && this.pieceStart < 0;
        if (startsPiece) this.startPiece(i);
        if (this.depth === 1 && this.mode === 'stream') this.lastKeyAtDepth1 = text.slice(i + 1, close);
        i = close + 1;
        if (startsPiece) this.emitPiece(i, out);
        this.pos = i;
        continue;
      }
      if (code === OPEN_BRACE || code === OPEN_BRACKET) {
        if (this.depth === this.pieceDepth && this.pieceStart < 0) {
          if (this.depth === 0 && code === OPEN_BRACKET) {
            this.mode = 'array';
            this.pieceDepth = 1;
            this.pieceIndex = 0;
            this.containerLine = this.line;
          } else {
            this.startPiece(i);
          }
        } else if (
          code === OPEN_BRACKET && this.depth === 1 && this.mode === 'stream' && this.lastKeyAtDepth1 === 'Records' &&
          this.followsColon(text, i)
        ) {
          // {"Records": [ … ]}: stream the elements, forget the wrapper
          this.mode = 'records';
          this.pieceDepth = 2;
          this.pieceIndex = 0;
          this.containerLine = this.pieceLine;
          this.pieceStart = -1;
        }
        this.depth++;
        i++;
        this.pos = i;
        continue;
      }
      if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
        this.depth--;
        i++;
        if (this.depth < 0) {
          out.push({ kind: 'problem', problem: { line: this.line, index: this.currentIndex(), reason: `unexpected "${String.fromCharCode(code)}"` } });
          this.depth = 0;
        } else if (this.depth === this.pieceDepth && this.pieceStart >= 0) {
          this.emitPiece(i, out);
        } else if (this.depth === 0 && this.mode !== 'stream') {
          // the top-level array or Records wrapper closed
          this.mode = 'stream';
          this.pieceDepth = 0;
          this.lastKeyAtDepth1 = undefined;
          this.topIndex++;
        } else if (this.depth < this.pieceDepth) {
          // Records closed inside its wrapper: nothing else in the wrapper is a record
          this.pieceDepth = -1;
        }
        this.pos = i;
        continue;
      }
      if (code === NEWLINE) {
        this.line++;
        i++;
        this.pos = i;
        continue;
      }
      if (isWhitespace(code) || code === COMMA || code === COLON) {
        i++;
        this.pos = i;
        continue;
      }
      // a scalar (number, true, false, null, or garbage)
      if (this.depth === this.pieceDepth && this.pieceStart < 0) {
        const end = this.findScalarEnd(text, i);
        if (end === -1) break;
        this.startPiece(i);
        this.emitPiece(end, out);
        i = end;
      } else {
        i++;
      }
      this.pos = i;
    }
  }

  private followsColon(text: string, at: number): boolean {
    for (let j = at - 1; j >= 0; j--) {
      const code = text.charCodeAt(j);
      if (isWhitespace(code)) continue;
      return code === COLON;
    }
    return false;
  }

  /** Index of the closing quote, -1 if the text ends first, -2 if a raw newline comes first. */
  private findStringEnd(text: string, from: number): number {
    let j = from;
    for (;;) {
      const close = text.indexOf('"', j);
      const newline = this.newlineAtOrAfter(text, j);
      if (newline !== -1 && (close === -1 || newline < close)) return -2;
      if (close === -1) return -1;
      let backslashes = 0;
      for (let k = close - 1; k >= from && text.charCodeAt(k) === BACKSLASH; k--) backslashes++;
      if (backslashes % 2 === 0) return close;
      j = close + 1;
    }
  }

  /** Next newline position, cached: single-line log files would otherwise make every string search O(n). */
  private newlineAtOrAfter(text: string, from: number): number {
    if (this.newlineCache !== -1 && this.newlineCache < from) this.newlineCache = -2;
    if (this.newlineCache === -2) this.newlineCache = text.indexOf('\n', from);
    return this.newlineCache;
  }

  private findScalarEnd(text: string, from: number): number {
    for (let j = from; j < text.length; j++) {
      const code = text.charCodeAt(j);
      if (isWhitespace(code) || code === COMMA || code === CLOSE_BRACE || code === CLOSE_BRACKET || code === OPEN_BRACE || code === OPEN_BRACKET || code === QUOTE) return j;
    }
    return -1;
  }

  private recoverFromBrokenLine(text: string, quoteAt: number, out: SplitterOutput[]): void {
    const newline = text.indexOf('\n', quoteAt);
    const line = this.pieceStart >= 0 ? this.pieceLine : this.line;
    out.push({
      kind: 'problem',
      problem: { line, index: this.currentIndex(), reason: `unterminated string on line ${this.line}: the value starting at line ${line} is cut off` },
    });
    if (this.mode === 'stream') this.topIndex++;
    else this.pieceIndex++;
    // resynchronise at the next line, at the depth the broken piece started from
    this.depth = this.pieceStart >= 0 ? this.pieceDepth : this.depth;
    this.pieceStart = -1;
    this.line++;
    this.pos = newline + 1;
  }
}
