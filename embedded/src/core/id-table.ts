// Event-id lookup for idempotent appends without keeping ids in memory: an open-addressing table
// from a 32-bit hash of (stream, event id) to the record's position. Several positions may share a
// hash; callers confirm a candidate by reading the record (a false match costs one read).
// 12 bytes per slot at most 50% load: ~24 bytes per event, versus ~100+ for a Map of strings.
import { randomInt } from 'node:crypto';

// The id part is hashed over its 32 lower-case hex digits, so the same value can be computed from
// the canonical string (live appends) or from the 16 stored bytes (start-up scan, no strings).
// Seeded at random per table, so that nobody can choose ids that all land in one probe run and
// turn each append into a long scan; a table saved with the index (core/index-snapshot.ts) keeps
// its seed, which is as private as the data directory it is stored in.
export function randomSeed(): number {
  return randomInt(0x7fffffff);
}

function hashStream(streamId: string, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < streamId.length; i++) h = Math.imul(h ^ streamId.charCodeAt(i), 0x01000193);
  return Math.imul(h ^ 0xff, 0x01000193);
}

function finish(h: number): number {
  // Final avalanche so that the low bits used for the slot are well mixed.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

/** `eventId` in canonical 8-4-4-4-12 lower-case form. */
export function idHash(streamId: string, eventId: string, seed: number): number {
  let h = hashStream(streamId, seed);
  for (let i = 0; i < eventId.length; i++) {
    const c = eventId.charCodeAt(i);
    if (c !== 45 /* - */) h = Math.imul(h ^ c, 0x01000193);
  }
  return finish(h);
}

/** Same as idHash for the 16 id bytes at `off`. */
export function idHashBytes(streamId: string, buf: Uint8Array, off: number, seed: number): number {
  let h = hashStream(streamId, seed);
  for (let i = off; i < off + 16; i++) {
    const hi = buf[i] >>> 4;
    const lo = buf[i] & 15;
    h = Math.imul(h ^ (hi < 10 ? 48 + hi : 87 + hi), 0x01000193);
    h = Math.imul(h ^ (lo < 10 ? 48 + lo : 87 + lo), 0x01000193);
  }
  return finish(h);
}

export class IdTable {
  private keys: Uint32Array;
  /** 0 = empty slot (no record lives at position 0). */
  private values: Float64Array;
  private mask: number;
  private count = 0;

  constructor(
    initialCapacity = 1 << 16,
    readonly seed = randomSeed(),
  ) {
    this.keys = new Uint32Array(initialCapacity);
    this.values = new Float64Array(initialCapacity);
    this.mask = initialCapacity - 1;
  }

  /** A table as saved by `parts()` (capacity a power of two, at most half full). */
  static fromParts(seed: number, keys: Uint32Array, values: Float64Array, count: number): IdTable {
    const t = new IdTable(1, seed);
    t.keys = keys;
    t.values = values;
    t.mask = values.length - 1;
    t.count = count;
    return t;
  }

  parts(): { keys: Uint32Array; values: Float64Array; count: number } {
    return { keys: this.keys, values: this.values, count: this.count };
  }

  hash(streamId: string, eventId: string): number {
    return idHash(streamId, eventId, this.seed);
  }

  hashBytes(streamId: string, buf: Uint8Array, off: number): number {
    return idHashBytes(streamId, buf, off, this.seed);
  }

  insert(hash: number, position: number): void {
    if ((this.count + 1) * 2 > this.values.length) this.grow();
    this.place(hash, position);
    this.count++;
  }

  /** Candidate positions for `hash`, in insertion order is not guaranteed. */
  *candidates(hash: number): Generator<number> {
    let slot = hash & this.mask;
    for (;;) {
      const v = this.values[slot];
      if (v === 0) return;
      if (this.keys[slot] === hash) yield v;
      slot = (slot + 1) & this.mask;
    }
  }

  private place(hash: number, position: number): void {
    let slot = hash & this.mask;
    while (this.values[slot] !== 0) slot = (slot + 1) & this.mask;
    this.keys[slot] = hash;
    this.values[slot] = position;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    const cap = oldValues.length * 2;
    this.keys = new Uint32Array(cap);
    this.values = new Float64Array(cap);
    this.mask = cap - 1;
    for (let i = 0; i < oldValues.length; i++) if (oldValues[i] !== 0) this.place(oldKeys[i], oldValues[i]);
  }
}
