import { describe, expect, it } from 'vitest';
import { accountNumberFromSeed, accountNumberSchema, hasValidCheckDigit } from './account-number';

describe('account numbers', () => {
  it('are ten digits with a valid check digit, derived from the seed', () => {
    const seed = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
    const number = accountNumberFromSeed(seed);
    expect(number).toMatch(/^[1-9]\d{9}$/);
    expect(hasValidCheckDigit(number)).toBe(true);
    expect(accountNumberFromSeed(seed)).toBe(number);
    expect(accountNumberFromSeed(new Uint8Array([8, 7, 6, 5, 4, 3, 2, 1]))).not.toBe(number);
  });

  it('catch a single mistyped digit', () => {
    const number = accountNumberFromSeed(new Uint8Array([9, 9, 9, 9, 1, 2, 3, 4]));
    const typo = number.slice(0, 3) + String((Number(number[3]) + 1) % 10) + number.slice(4);
    expect(accountNumberSchema.safeParse(number).success).toBe(true);
    expect(accountNumberSchema.safeParse(typo).success).toBe(false);
    expect(accountNumberSchema.safeParse('12345').success).toBe(false);
  });

  it('gives one message per problem: empty, not ten digits, or a wrong check digit', () => {
    const messages = (value: string) => accountNumberSchema.safeParse(value).error?.issues.map((issue) => issue.message);
    expect(messages('')).toEqual(['Enter an account number']);
    expect(messages('   ')).toEqual(['Enter an account number']);
    expect(messages('12345')).toEqual(['Account number must be 10 digits']);
    expect(messages('12345678901')).toEqual(['Account number must be 10 digits']);
    expect(messages('1000000000')).toHaveLength(1);
    expect(messages('1000000000')![0]).toMatch(/not valid/);
  });
});
