import type { SnapshotField } from '@/lib/time-travel/fields';
import type { PointSummary } from '@/lib/time-travel/view';
import { formatDateTime, formatMoney, formatSignedMoney } from '../format';

/** Words for the time-travel views, shared by the server pages and the client control. */

export const FIELD_LABELS: Record<SnapshotField, string> = {
  holderName: 'Holder name',
  balanceCents: 'Balance',
  deposits: 'Deposits',
  paymentsMade: 'Payments made',
  paymentsReceived: 'Payments received',
  renames: 'Renames',
};

/** A field's value as shown; null (no account yet) as a dash. */
export function formatField(field: SnapshotField, value: string | null): string {
  if (value === null) return '—';
  return field === 'balanceCents' ? formatMoney(value) : value;
}

const TITLES: Record<string, string> = {
  AccountOpened: 'Account opened',
  MoneyDeposited: 'Deposit',
  HolderNameChanged: 'Holder name changed',
  PaymentMade: 'Payment made',
  PaymentReceived: 'Payment received',
};

export function pointTitle(point: PointSummary): string {
  if (point.problem === 'unreadable') return `Unreadable ${point.type}`;
  return TITLES[point.type] ?? point.type;
}

/** One line: what happened at the point, e.g. "Payment received +$5.00 from 1234567897 (Rent)". */
export function pointSentence(point: PointSummary): string {
  const parts = [pointTitle(point)];
  if (point.amountCents !== null)
    parts.push(point.type === 'AccountOpened' ? formatMoney(point.amountCents) : formatSignedMoney(point.amountCents));
  if (point.counterparty) parts.push(`${point.kind === 'received' ? 'from' : 'to'} ${point.counterparty}`);
  if (point.detail) {
    const payment = point.type === 'PaymentMade' || point.type === 'PaymentReceived';
    parts.push(point.problem ? `(${point.detail})` : payment ? `“${point.detail}”` : point.detail);
  }
  return parts.join(' ');
}

export function pointWhen(point: PointSummary): string {
  return formatDateTime(point.created);
}
