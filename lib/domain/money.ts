import { z } from 'zod';

/**
 * Money is a whole number of cents. A single amount (deposit, payment) fits the original
 * design's uint32: 1 to 4,294,967,295 cents. Balances are sums of many amounts, so they are
 * bigint everywhere and never lose precision.
 */
export const MIN_AMOUNT_CENTS = 1;
export const MAX_AMOUNT_CENTS = 4_294_967_295;

export const amountCentsSchema = z
  .number({ error: 'Amount must be a number of cents' })
  .refine(Number.isInteger, { message: 'Amount must be a whole number of cents' })
  .refine((n) => n >= MIN_AMOUNT_CENTS, { message: 'Amount must be at least 0.01' })
  .refine((n) => n <= MAX_AMOUNT_CENTS, { message: `Amount must be at most ${formatCents(MAX_AMOUNT_CENTS)}` });

/** An opening balance may be zero; otherwise it obeys the same bounds as any amount. */
export const openingBalanceCentsSchema = z
  .number({ error: 'Opening balance must be a number of cents' })
  .refine(Number.isInteger, { message: 'Opening balance must be a whole number of cents' })
  .refine((n) => n >= 0, { message: 'Opening balance cannot be negative' })
  .refine((n) => n <= MAX_AMOUNT_CENTS, {
    message: `Opening balance must be at most ${formatCents(MAX_AMOUNT_CENTS)}`,
  });

export type ParsedAmount = { ok: true; cents: number } | { ok: false; message: string };

/**
 * Parses what a person types ("12", "12.3", "12.34", "1,234.50") into cents, exactly:
 * no floating point is involved, so "0.1" + "0.2" style rounding cannot happen.
 */
export function parseAmountText(text: string): ParsedAmount {
  const cleaned = text.trim().replace(/,/g, '');
  if (cleaned === '') return { ok: false, message: 'Enter an amount' };
  const match = /^(\d+)(?:\.(\d{0,2}))?$/.exec(cleaned);
  if (!match) {
    if (/^-/.test(cleaned)) return { ok: false, message: 'Amount cannot be negative' };
    if (/^\d*\.\d{3,}$/.test(cleaned)) return { ok: false, message: 'Amount can have at most two decimals' };
    return { ok: false, message: 'Amount must be a number like 12.34' };
  }
  const whole = BigInt(match[1]);
  const fraction = BigInt((match[2] ?? '').padEnd(2, '0'));
  const cents = whole * 100n + fraction;
  if (cents > BigInt(MAX_AMOUNT_CENTS)) {
    return { ok: false, message: `Amount must be at most ${formatCents(MAX_AMOUNT_CENTS)}` };
  }
  return { ok: true, cents: Number(cents) };
}

/** 123456n -> "1,234.56"; negative values keep their sign. */
export function formatCents(cents: bigint | number): string {
  const value = BigInt(cents);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const whole = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = (abs % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}
