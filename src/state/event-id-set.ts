const EMPTY = 0;
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
    return this.find(this.key) >= 0;
  }

  /** Adds the id; false when it was already there. */
  add(id: string): boolean {
    if (!this.pack(id)) {
      if (this.others.has(id)) return false;
      this.others.add(id);
      return true;
    }
    if (this.find(this.key) >= 0) return false;
    // linear probing up to 3/4 full: a long replay's ids are most of its memory (17 bytes a slot)
    if ((this.occupied + 1) * 4 > this.states.length * 3) this.grow();
    this.insert(this.key);
    return true;
  }

  delete(id: string): boolean {
    if (!this.pack(id)) return this.others.delete(id);
    const slot = this.find(this.key);
    if (slot < 0) return false;
    this.states[slot] = DELETED;
    this.used--;
    return true;
  }

  /** Parses a lower-case UUID into the four key words; false for any other string. */
  private pack(id: string): boolean {
    if (id.length !== 36) return false;
    let word = 0;
    let digits = 0;
    for (let i = 0; i < 36; i++) {
      const c = id.charCodeAt(i);
      if (i === 8 || i === 13 || i === 18 || i === 23) {
        if (c !== 45) return false; // '-'
        continue;
      }
      const value = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
      if (value < 0) return false;
      word = (word << 4) | value;
      if (++digits % 8 === 0) {
        this.key[digits / 8 - 1] = word >>> 0;
        word = 0;
      }
    }
    return true;
  }

  private slotOf(key: Uint32Array): number {
    // UUIDs are random already (v4) or time-ordered in their first word (v1): mix all four words
    let h = Math.imul(key[0]! ^ key[3]!, 0x9e3779b1) ^ Math.imul(key[1]! ^ key[2]!, 0x85ebca77);
    h ^= h >>> 15;
    return (h >>> 0) & (this.states.length - 1);
  }

  private find(key: Uint32Array): number {
    const mask = this.states.length - 1;
    for (let slot = this.slotOf(key); ; slot = (slot + 1) & mask) {
      const state = this.states[slot];
      if (state === EMPTY) return -1;
      if (state === USED) {
        const at = slot * 4;
        if (this.words[at] === key[0] && this.words[at + 1] === key[1] && this.words[at + 2] === key[2] && this.words[at + 3] === key[3]) return slot;
      }
    }
  }

  private insert(key: Uint32Array): void {
    const mask = this.states.length - 1;
    let slot = this.slotOf(key);
    while (this.states[slot] === USED) slot = (slot + 1) & mask;
    if (this.states[slot] === EMPTY) this.occupied++;
    this.states[slot] = USED;
    this.words.set(key, slot * 4);
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
    for (let slot = 0; slot < states.length; slot++) {
      if (states[slot] === USED) this.insert(words.subarray(slot * 4, slot * 4 + 4));
    }
  }
}
