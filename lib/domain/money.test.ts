import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
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

  it.each(['', 'abc', '-5', '1.234', '1e3', '42949672.96', '12.3.4', '1,50', '12,3456', ',123', '123,', '1,,234'])('rejects %j', (text) => {
    expect(parseAmountText(text).ok).toBe(false);
  });

  it('says what a comma may be used for', () => {
    const parsed = parseAmountText('1,50');
    expect(parsed).toEqual({ ok: false, message: expect.stringMatching(/comma only between groups of three/) });
  });

  it('reads back every amount it formats, with or without separators', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_AMOUNT_CENTS }), (cents) => {
        const formatted = formatCents(cents);
        expect(parseAmountText(formatted)).toEqual({ ok: true, cents });
        expect(parseAmountText(formatted.replace(/,/g, ''))).toEqual({ ok: true, cents });
      }),
    );
  });

  it('never accepts a comma that is not followed by exactly three digits', () => {
    fc.assert(
      fc.property(fc.nat(999), fc.oneof(fc.nat(99), fc.integer({ min: 1000, max: 99_999 })), (left, right) => {
        expect(parseAmountText(`${left},${right}`).ok).toBe(false);
      }),
    );
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
