/**
 * What the live stream (app/api/live/route.ts) says, shared by the server that writes it and
 * the browser hook that reads it. Pure: no server imports, so client components may use it.
 *
 *  - `event: events` with `id: <position>`: events of interest the client has not seen, as a
 *    LiveMessage. The id is the highest $all position sent, so a reconnecting EventSource
 *    resumes after it (Last-Event-ID). `resync: true` means more was missed than is listed:
 *    reload everything rather than trust the list.
 *  - `event: events` without an id: something the client has already been sent changed again
 *    (a held stream resumed, an event indexed late); refresh, the cursor stays.
 *  - `event: unavailable`: the server cannot follow the read model right now; the stream ends
 *    and the browser reconnects after the `retry:` interval.
 *  - comments (`: heartbeat`) keep proxies and the browser from timing the stream out.
 */
export const LIVE_PATH = '/api/live';
export const LIVE_EVENTS = 'events';
export const LIVE_UNAVAILABLE = 'unavailable';

export type LiveMessageEvent = { position: string; type: string; account: string; counterparty: string | null };

export type LiveMessage = {
  events: LiveMessageEvent[];
  /** Events of interest left out of `events` (messages list at most MAX_LISTED_EVENTS). */
  more: number;
  resync?: boolean;
};

export const MAX_LISTED_EVENTS = 50;

const MAX_POSITION = 2n ** 63n - 1n;

/** A $all position as sent in ids and `since`: decimal digits within PostgreSQL's bigint, else null. */
export function parsePosition(text: string | null | undefined): bigint | null {
  if (typeof text !== 'string' || !/^\d{1,19}$/.test(text)) return null;
  const value = BigInt(text);
  return value <= MAX_POSITION ? value : null;
}
