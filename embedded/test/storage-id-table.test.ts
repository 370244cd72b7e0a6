// The event-id hash table: collisions and growth must never lose a candidate.
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { IdTable, idHash, idHashBytes } from '../src/core/id-table.js';

describe('IdTable', () => {
  it('returns every position stored under a hash, through collisions and growth', () => {
    const table = new IdTable(4);
    for (let i = 1; i <= 1000; i++) table.insert(i % 7 === 0 ? 42 : i * 2654435761, i * 16);
    expect([...table.candidates(42)].sort((a, b) => a - b)).toEqual(Array.from({ length: 142 }, (_, k) => (k + 1) * 7 * 16));
    expect([...table.candidates((5 * 2654435761) >>> 0)]).toContain(5 * 16);
    expect([...table.candidates(123456)]).toEqual([]);
  });

  it('hashes an id the same from its canonical string and from its bytes', () => {
    for (let i = 0; i < 100; i++) {
      const bytes = randomBytes(16);
      const hex = bytes.toString('hex');
      const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
      expect(idHashBytes('stream-é', bytes, 0, 12345)).toBe(idHash('stream-é', id, 12345));
    }
    const id = randomUUID();
    expect(idHash('a', id, 12345)).not.toBe(idHash('b', id, 12345));
    expect(idHash('a', id, 12345)).not.toBe(idHash('a', id, 54321));
  });
});
