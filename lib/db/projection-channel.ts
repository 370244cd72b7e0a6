/**
 * The notification the projection worker sends (pg_notify, in the transaction that applies an
 * event) so that waiters for read-your-writes wake at once instead of polling. Payload:
 * `${accountNumber}:${revision}` when an account's stream has been applied up to `revision`,
 * `${accountNumber}:held` when the account's stream is held (an event that cannot be applied).
 */
export const PROJECTION_CHANNEL = 'eventbank_projection';

/**
 * A doorbell for live views: the worker notifies it, with the highest $all position it has
 * just applied or indexed, in the transaction that indexed new events (readmodel.event_index);
 * and, when it lifts a hold, with the newest indexed position of that stream (nothing new to
 * list, but the account changed). Listeners read what is new from the index; the payload only
 * says that something is (lib/live/feed.ts).
 */
export const EVENTS_CHANNEL = 'eventbank_events';

export type ProjectionNotice = { accountNumber: string; revision: bigint } | { accountNumber: string; held: true };

export function formatProjectionNotice(notice: ProjectionNotice): string {
  return 'held' in notice ? `${notice.accountNumber}:held` : `${notice.accountNumber}:${notice.revision}`;
}

/** null for anything that is not a notice of this form. */
export function parseProjectionNotice(payload: string): ProjectionNotice | null {
  const [, accountNumber, rest] = /^(\d{10}):(held|\d{1,20})$/.exec(payload) ?? [];
  if (accountNumber === undefined || rest === undefined) return null;
  return rest === 'held' ? { accountNumber, held: true } : { accountNumber, revision: BigInt(rest) };
}
