import { describe, expect, it } from 'vitest';
import { formatDateTime, formatMoney, formatSignedMoney, toPrettyJson } from '@/components/format';
import { isBehind, parseRevisionParam } from '@/components/revision';

describe('money formatting', () => {
  it('formats cents exactly, with grouping, from bigint, number or string', () => {
    expect(formatMoney(0n)).toBe('$0.00');
    expect(formatMoney(5)).toBe('$0.05');
    expect(formatMoney('123456')).toBe('$1,234.56');
    // Beyond Number.MAX_SAFE_INTEGER: no float on the way.
    expect(formatMoney(9_007_199_254_740_993n)).toBe('$90,071,992,547,409.93');
  });

  it('puts the sign before the currency', () => {
    expect(formatMoney(-1250n)).toBe('-$12.50');
    expect(formatSignedMoney(1250n)).toBe('+$12.50');
    expect(formatSignedMoney(-1250n)).toBe('-$12.50');
  });
});

describe('timeline helpers', () => {
  it('formats times the same way everywhere (UTC)', () => {
    expect(formatDateTime(new Date('2026-11-27T03:04:05.678Z'))).toBe('2026-11-27 03:04:05 UTC');
  });

  it('serialises bigint fields in raw JSON', () => {
    expect(toPrettyJson({ revision: 3n })).toBe('{\n  "revision": "3"\n}');
  });
});

describe('read-your-writes revisions', () => {
  it('is behind until the page revision reaches the expected revision', () => {
    expect(isBehind(null, '0')).toBe(true);
    expect(isBehind('2', '3')).toBe(true);
    expect(isBehind('3', '3')).toBe(false);
    expect(isBehind('18446744073709551615', '18446744073709551614')).toBe(false);
  });

  it('accepts only a plain revision number in ?expect=', () => {
    expect(parseRevisionParam('12')).toBe('12');
    expect(parseRevisionParam(['1', '2'])).toBeUndefined();
    expect(parseRevisionParam('-1')).toBeUndefined();
    expect(parseRevisionParam('1e3')).toBeUndefined();
    expect(parseRevisionParam(undefined)).toBeUndefined();
  });
});
