// Display helpers for money and times. Money stays in integer cents (bigint) all the way to the
// string, so large balances never pass through a float.

import { formatCents } from '@/lib/domain/cents';

type Cents = bigint | number | string;

function toBigInt(cents: Cents): bigint {
  return typeof cents === 'bigint' ? cents : BigInt(cents);
}

/** 123456n -> "$1,234.56"; negative amounts get a minus sign: "-$12.00". */
export function formatMoney(cents: Cents): string {
  const value = toBigInt(cents);
  return value < 0n ? `-$${formatCents(-value)}` : `$${formatCents(value)}`;
}

/** Like formatMoney but always signed, for timeline entries: "+$5.00" / "-$5.00". */
export function formatSignedMoney(cents: Cents): string {
  const value = toBigInt(cents);
  return value < 0n ? formatMoney(value) : `+${formatMoney(value)}`;
}

/** A fixed, locale-independent format so server and client render the same text. */
export function formatDateTime(value: Date | string): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  return date.toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}

/** JSON.stringify that survives bigint fields (revisions, positions). */
export function toPrettyJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);
}
