// UUID parsing follows .NET Guid.Parse (what ESDB uses) and always yields the canonical form.
import { describe, expect, it } from 'vitest';
import { parseUuidString, uuidFromStructured, uuidToStructured } from '../src/grpc/convert.js';

const canonical = 'a1b2c3d4-e5f6-4711-8899-aabbccddeeff';

describe('parseUuidString', () => {
  it.each([
    [canonical],
    ['A1B2C3D4-E5F6-4711-8899-AABBCCDDEEFF'],
    ['a1b2c3d4-E5F6-4711-8899-aabbccddeeff'],
    ['a1b2c3d4e5f647118899aabbccddeeff'],
    ['{a1b2c3d4-e5f6-4711-8899-aabbccddeeff}'],
    ['(A1B2C3D4-E5F6-4711-8899-AABBCCDDEEFF)'],
    ['  a1b2c3d4-e5f6-4711-8899-aabbccddeeff  '],
    ['{0xa1b2c3d4,0xe5f6,0x4711,{0x88,0x99,0xaa,0xbb,0xcc,0xdd,0xee,0xff}}'],
  ])('accepts %s', (input) => {
    expect(parseUuidString(input)).toBe(canonical);
  });

  it.each([
    [''],
    ['not-a-uuid'],
    ['a1b2c3d4-e5f6-4711-8899-aabbccddeef'],
    ['a1b2c3d4-e5f6-4711-8899-aabbccddeeffa'],
    ['{a1b2c3d4e5f647118899aabbccddeeff}'],
    ['{a1b2c3d4-e5f6-4711-8899-aabbccddeeff'],
    ['g1b2c3d4-e5f6-4711-8899-aabbccddeeff'],
    ['a1b2c3d4-e5f64711-8899-aabbccddeeff-'],
    // 36 characters, canonical shape almost: a wrong separator, a non-hex digit, a dash moved
    ['a1b2c3d4-e5f6-4711-8899_aabbccddeeff'],
    ['a1b2c3d4-e5f6-4711-8899-aabbccddeegg'],
    ['a1b2c3d-4e5f6-4711-8899-aabbccddeeff'],
  ])('rejects %j', (input) => {
    expect(parseUuidString(input)).toBeUndefined();
  });
});

describe('structured UUIDs', () => {
  it('round-trips through signed 64-bit halves', () => {
    for (const id of [
      canonical,
      '00000000-0000-0000-0000-000000000001',
      'ffffffff-ffff-ffff-ffff-ffffffffffff',
      '80000000-0000-0000-8000-000000000000',
    ]) {
      const [msb, lsb] = uuidToStructured(id);
      expect(BigInt(msb)).toBeLessThan(2n ** 63n);
      expect(BigInt(msb)).toBeGreaterThanOrEqual(-(2n ** 63n));
      expect(uuidFromStructured(msb, lsb)).toBe(id);
    }
    expect(uuidToStructured('ffffffff-ffff-ffff-ffff-ffffffffffff')).toEqual(['-1', '-1']);
  });
});
