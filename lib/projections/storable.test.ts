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

  it('returns a clean value itself, and still finds one bad string deep inside an otherwise clean one', () => {
    const clean = { a: ['x', { b: 'y' }], c: 2 };
    expect(storableJson(clean)).toBe(clean);
    const deep = { a: ['x', { b: 'y', c: ['ok', 'bad\uD800'] }] };
    expect(storableJson(deep)).toEqual({ a: ['x', { b: 'y', c: ['ok', 'bad\uFFFD'] }] });
    expect(deep.a[1]).toEqual({ b: 'y', c: ['ok', 'bad\uD800'] }); // the event's own copy untouched
  });
});
