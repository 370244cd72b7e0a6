import { z } from 'zod';

/**
 * Account numbers are ten digits: nine derived from server-side randomness plus a Luhn check
 * digit, so a mistyped number is caught before any lookup. The randomness is passed in
 * (commands derive it from the command id, which makes opening an account idempotent).
 */
export const ACCOUNT_NUMBER_PATTERN = /^\d{10}$/;

/** One message per problem: each check stops the ones after it (an empty field is not also "not 10 digits"). */
export const accountNumberSchema = z
  .string({ error: 'Account number is required' })
  .trim()
  .min(1, { error: 'Enter an account number', abort: true })
  .regex(ACCOUNT_NUMBER_PATTERN, { error: 'Account number must be 10 digits', abort: true })
  .refine(hasValidCheckDigit, { error: 'Account number is not valid (check digit mismatch): check it for a typo' });

export function accountNumberFromSeed(seed: Uint8Array): string {
  if (seed.length < 8) throw new Error('accountNumberFromSeed needs at least 8 bytes of seed');
  let value = 0n;
  for (const byte of seed.subarray(0, 8)) value = (value << 8n) | BigInt(byte);
  // First digit 1-9 so numbers never look truncated when a leading zero is dropped.
  const body = (100_000_000n + (value % 900_000_000n)).toString();
  return body + luhnCheckDigit(body);
}

export function hasValidCheckDigit(number: string): boolean {
  if (!ACCOUNT_NUMBER_PATTERN.test(number)) return false;
  return luhnCheckDigit(number.slice(0, -1)) === number.slice(-1);
}

function luhnCheckDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let digit = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return String((10 - (sum % 10)) % 10);
}
