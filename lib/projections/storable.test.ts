import { describe, expect, it } from 'vitest';
import { storableJson, storableText } from './storable';

describe('storable text for PostgreSQL', () => {
  it('replaces NUL and lone surrogates, keeps pairs and ordinary text', () => {
    expect(storableText('a\u0000b')).toBe('a\uFFFDb');
    expect(storableText('x\uD800y\uDC00')).toBe('x\uFFFDy\uFFFD');
    expect(storableText('😀 Zoë')).toBe('😀 Zoë');
  });

  it('reaches strings and keys inside JSON, leaves other values alone', () => {
    expect(storableJson({ 'k\u0000': ['\u0000', 1, null, { n: true }] })).toEqual({ 'k\uFFFD': ['\uFFFD', 1, null, { n: true }] });
  });
});
