/**
 * Addresses of an account's past states. Every point of an account's history has one:
 *  - an event of its own stream:        /accounts/<n>/at/<revision>
 *  - any point by its $all position:    /accounts/<n>/at?position=<position>
 *    (how a payment received, which lives on the payer's stream, is addressed)
 *  - the last point at or before a time: /accounts/<n>/at?asOf=<ISO 8601>
 * and the account page's time-travel control steps through them as /accounts/<n>?point=<k>.
 */
export type PastStateTarget = bigint | string | { revision: bigint | string } | { position: bigint | string } | { asOf: Date | string };

/** Where an account's state right after one point of its history is shown. */
export function pastStateHref(accountNumber: string, target: PastStateTarget): string {
  const base = `/accounts/${accountNumber}/at`;
  if (typeof target === 'bigint' || typeof target === 'string') return `${base}/${target.toString()}`;
  if ('revision' in target) return `${base}/${target.revision.toString()}`;
  if ('position' in target) return `${base}?position=${target.position.toString()}`;
  const at = typeof target.asOf === 'string' ? target.asOf : target.asOf.toISOString();
  return `${base}?asOf=${encodeURIComponent(at)}`;
}

export const TIME_TRAVEL_ANCHOR = 'time-travel';

/** The account page with its time-travel control at point `number` (1 = the opening). */
export function timeTravelHref(accountNumber: string, number: number): string {
  return `/accounts/${accountNumber}?point=${number}#${TIME_TRAVEL_ANCHOR}`;
}

/** The JSON the control fetches when JavaScript moves it (app/api/accounts/[number]/time-travel). */
export function timeTravelApiHref(accountNumber: string, number: number): string {
  return `/api/accounts/${accountNumber}/time-travel?point=${number}`;
}
