import { describe, expect, it } from 'vitest';
import { amountCentsSchema, formatCents, MAX_AMOUNT_CENTS, parseAmountText } from './money';

describe('parseAmountText', () => {
  it.each([
    ['12', 1200],
    ['12.3', 1230],
    ['12.34', 1234],
    ['0.01', 1],
    [' 1,234.50 ', 123450],
    ['42949672.95', MAX_AMOUNT_CENTS],
  ])('parses %j as %i cents', (text, cents) => {
    expect(parseAmountText(text)).toEqual({ ok: true, cents });
  });

  it.each(['', 'abc', '-5', '1.234', '1e3', '42949672.96', '12.3.4'])('rejects %j', (text) => {
    expect(parseAmountText(text).ok).toBe(false);
  });
});

describe('amountCentsSchema', () => {
  it.each([0, -1, 1.5, MAX_AMOUNT_CENTS + 1, Number.NaN])('rejects %d', (n) => {
    expect(amountCentsSchema.safeParse(n).success).toBe(false);
  });
  it.each([1, MAX_AMOUNT_CENTS])('accepts %d', (n) => {
    expect(amountCentsSchema.safeParse(n).success).toBe(true);
  });
});

describe('formatCents', () => {
  it('formats bigint cents with separators and sign', () => {
    expect(formatCents(123456n)).toBe('1,234.56');
    expect(formatCents(-5n)).toBe('-0.05');
    expect(formatCents(2n ** 64n)).toBe('184,467,440,737,095,516.16');
  });
});
