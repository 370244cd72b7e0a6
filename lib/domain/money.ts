import { z } from 'zod';
import { formatCents } from './cents';

export { formatCents };

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

/** What the amount fields accept, shown beside them. */
export const AMOUNT_HINT = 'In dollars, e.g. 20, 12.34 or 1,234.50';

/** Whole dollars with commas between groups of three ("1,234,567"), or without any ("1234567"). */
const WHOLE_PART = /^(?:\d{1,3}(?:,\d{3})+|\d+)$/;

/**
 * Parses what a person types ("12", "12.3", "12.34", "1,234.50") into cents, exactly:
 * no floating point is involved, so "0.1" + "0.2" style rounding cannot happen. A comma is
 * only a thousands separator: "1,50" is refused rather than read as 150.00 (or as 1.50, which
 * is what a European typist meant).
 */
export function parseAmountText(text: string): ParsedAmount {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, message: 'Enter an amount' };
  if (/^-/.test(trimmed)) return { ok: false, message: 'Amount cannot be negative' };
  const [, wholeText, fractionText = ''] = /^([\d,]+)(?:\.(\d*))?$/.exec(trimmed) ?? [];
  if (wholeText === undefined) return { ok: false, message: `Amount must be a number: ${AMOUNT_HINT}` };
  if (!WHOLE_PART.test(wholeText)) {
    return {
      ok: false,
      message: 'Use a comma only between groups of three digits (1,234.50) and a dot for cents (12.34)',
    };
  }
  if (fractionText.length > 2) return { ok: false, message: 'Amount can have at most two decimals' };
  const whole = BigInt(wholeText.replace(/,/g, ''));
  const fraction = BigInt(fractionText.padEnd(2, '0'));
  const cents = whole * 100n + fraction;
  if (cents > BigInt(MAX_AMOUNT_CENTS)) {
    return { ok: false, message: `Amount must be at most ${formatCents(MAX_AMOUNT_CENTS)}` };
  }
  return { ok: true, cents: Number(cents) };
}
