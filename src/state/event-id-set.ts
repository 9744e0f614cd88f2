const EMPTY = 0;
const DASH = 45;

/** The value of each lower-case hex digit by character code, -1 for anything else (upper case included: see pack). */
const HEX = new Int8Array(128).fill(-1);
for (let c = 48; c <= 57; c++) HEX[c] = c - 48;
for (let c = 97; c <= 102; c++) HEX[c] = c - 87;

/** Appends the hex digits id[from, to) to `word` (as an unsigned 32-bit value), or -1 when one is not a digit. */
function hexWord(id: string, from: number, to: number, word: number): number {
  if (word < 0) return -1;
  for (let i = from; i < to; i++) {
    const c = id.charCodeAt(i);
    const value = c < 128 ? HEX[c]! : -1;
    if (value < 0) return -1;
    word = ((word << 4) | value) >>> 0;
  }
  return word;
}
const USED = 1;
const DELETED = 2;

/**
 * A set of event ids that holds a long replay in little memory. CloudTrail event ids are lower-case UUIDs: they are
 * packed into 16 bytes in an open-addressing table (a string in a Map costs about 110). Packing is one-to-one for that
 * form, so membership stays exact; any other id goes into a plain Set.
 */
export class EventIdSet {
  private words = new Uint32Array(4 * 1024);
  private states = new Uint8Array(1024);
  private used = 0;
  private occupied = 0;
  private readonly others = new Set<string>();
  private readonly key = new Uint32Array(4);

  get size(): number {
    return this.used + this.others.size;
  }

  has(id: string): boolean {
    if (!this.pack(id)) return this.others.has(id);
    return this.probe(this.key) >= 0;
  }

  /** Adds the id; false when it was already there. */
  add(id: string): boolean {
    if (!this.pack(id)) {
      if (this.others.has(id)) return false;
      this.others.add(id);
      return true;
    }
    // linear probing up to 3/4 full: a long replay's ids are most of its memory (17 bytes a slot); growing first lets
    // one probe answer both questions (is it there, where does it go): the table is far larger than the CPU's caches
    if ((this.occupied + 1) * 4 > this.states.length * 3) this.grow();
    const found = this.probe(this.key);
    if (found >= 0) return false;
    this.store(-found - 1, this.key);
    return true;
  }

  delete(id: string): boolean {
    if (!this.pack(id)) return this.others.delete(id);
    const slot = this.probe(this.key);
    if (slot < 0) return false;
    this.states[slot] = DELETED;
    this.used--;
    return true;
  }

  /** Parses a lower-case UUID into the four key words; false for any other string. */
  private pack(id: string): boolean {
    if (id.length !== 36 || id.charCodeAt(8) !== DASH || id.charCodeAt(13) !== DASH || id.charCodeAt(18) !== DASH || id.charCodeAt(23) !== DASH) return false;
    // 8-4-4-4-12 hex digits → four words of eight digits; -1 marks a character outside 0-9a-f
    const w0 = hexWord(id, 0, 8, 0);
    const w1 = hexWord(id, 14, 18, hexWord(id, 9, 13, 0));
    const w2 = hexWord(id, 24, 28, hexWord(id, 19, 23, 0));
    const w3 = hexWord(id, 28, 36, 0);
    if (w0 < 0 || w1 < 0 || w2 < 0 || w3 < 0) return false;
    const key = this.key;
    key[0] = w0;
    key[1] = w1;
    key[2] = w2;
    key[3] = w3;
    return true;
  }

  private slotOf(key: Uint32Array): number {
    // UUIDs are random already (v4) or time-ordered in their first word (v1): mix all four words
    let h = Math.imul(key[0]! ^ key[3]!, 0x9e3779b1) ^ Math.imul(key[1]! ^ key[2]!, 0x85ebca77);
    h ^= h >>> 15;
    return (h >>> 0) & (this.states.length - 1);
  }

  /** The slot holding the key, or -(slot + 1) for where it would go (the first tombstone on its way, else the empty slot). */
  private probe(key: Uint32Array): number {
    const mask = this.states.length - 1;
    const words = this.words;
    let tombstone = -1;
    for (let slot = this.slotOf(key); ; slot = (slot + 1) & mask) {
      const state = this.states[slot];
      if (state === EMPTY) return -((tombstone >= 0 ? tombstone : slot) + 1);
      if (state === DELETED) {
        if (tombstone < 0) tombstone = slot;
        continue;
      }
      const at = slot * 4;
      if (words[at] === key[0] && words[at + 1] === key[1] && words[at + 2] === key[2] && words[at + 3] === key[3]) return slot;
    }
  }

  private insert(key: Uint32Array): void {
    const mask = this.states.length - 1;
    let slot = this.slotOf(key);
    while (this.states[slot] === USED) slot = (slot + 1) & mask;
    this.store(slot, key);
  }

  private store(slot: number, key: Uint32Array): void {
    if (this.states[slot] === EMPTY) this.occupied++;
    this.states[slot] = USED;
    // four stores, not words.set(key, …): a call into the typed-array builtin on every event
    const at = slot * 4;
    this.words[at] = key[0]!;
    this.words[at + 1] = key[1]!;
    this.words[at + 2] = key[2]!;
    this.words[at + 3] = key[3]!;
    this.used++;
  }

  /** Doubles the table (or rebuilds it at the same size when deletions left tombstones) and re-inserts. */
  private grow(): void {
    const words = this.words;
    const states = this.states;
    const capacity = this.used * 2 >= (states.length * 3) / 4 ? states.length * 2 : states.length;
    this.words = new Uint32Array(capacity * 4);
    this.states = new Uint8Array(capacity);
    this.used = 0;
    this.occupied = 0;
    const key = new Uint32Array(4);
    for (let slot = 0; slot < states.length; slot++) {
      if (states[slot] !== USED) continue;
      // copied, not a subarray view per slot (an allocation each)
      key[0] = words[slot * 4]!;
      key[1] = words[slot * 4 + 1]!;
      key[2] = words[slot * 4 + 2]!;
      key[3] = words[slot * 4 + 3]!;
      this.insert(key);
    }
  }
}
