import { hasValidCheckDigit } from '@/lib/domain/account-number';
import type { LiveEvent } from '@/lib/queries/live';
import { TooManySubscribersError, type LiveDelivery, type LiveFeed } from './feed';
import { LIVE_EVENTS, LIVE_UNAVAILABLE, MAX_LISTED_EVENTS, parsePosition, type LiveMessage } from './protocol';

/**
 * One Server-Sent Events stream of the live feed (app/api/live/route.ts is its route). What it
 * writes is described in ./protocol.ts. Per connection it holds one feed subscription, one
 * heartbeat timer and a queue bounded by bytes: a client that stops reading loses the listed
 * events past the bound and gets one `resync` message when it reads again.
 */
export type LiveParams = { account?: string; since?: bigint; operations?: boolean };

const PARAMS = new Set(['account', 'since', 'operations']);

/**
 * The stream's input: `account` (a valid account number), `since` (a position), `operations=1`
 * (also say when a rebuild or reconciliation moves on) and the Last-Event-ID header.
 */
export function parseLiveParams(url: URL, headers: Headers): { ok: true; params: LiveParams } | { ok: false; message: string } {
  for (const name of new Set(url.searchParams.keys())) {
    if (!PARAMS.has(name))
      return { ok: false, message: `Unknown parameter "${printable(name)}": only account, since and operations are accepted.` };
    if (url.searchParams.getAll(name).length > 1) return { ok: false, message: `The parameter ${name} is given more than once.` };
  }
  const params: LiveParams = {};
  const account = url.searchParams.get('account');
  if (account !== null) {
    if (!hasValidCheckDigit(account)) return { ok: false, message: 'account must be a 10-digit account number with a valid check digit.' };
    params.account = account;
  }
  const operations = url.searchParams.get('operations');
  if (operations !== null) {
    if (operations !== '1') return { ok: false, message: 'operations must be 1 when given.' };
    params.operations = true;
  }
  const since = url.searchParams.get('since');
  if (since !== null) {
    const position = parsePosition(since);
    if (position === null) return { ok: false, message: 'since must be a position: decimal digits, at most 2^63-1.' };
    params.since = position;
  }
  // The browser sends the last id it received when it reconnects: that is where to resume.
  const lastEventId = headers.get('last-event-id');
  if (lastEventId !== null && lastEventId !== '') {
    const position = parsePosition(lastEventId);
    if (position === null) return { ok: false, message: 'Last-Event-ID must be a position: decimal digits, at most 2^63-1.' };
    params.since = position;
  }
  return { ok: true, params };
}

const printable = (text: string) => text.slice(0, 40).replace(/[^\x20-\x7e]/g, '?');

export type LiveStreamOptions = {
  /** Comment lines sent this often when nothing else is (default 15 s). */
  heartbeatMs?: number;
  /** Bytes a connection may have queued unread before listed events are dropped (default 64 KiB). */
  highWaterMarkBytes?: number;
  /** How long the browser waits before reconnecting after the stream ends (default 1 s). */
  retryMs?: number;
  /** Aborted when the client goes away. */
  signal?: AbortSignal;
  /** How long the subscription (LISTEN, replay) may take before the stream says the server is unavailable (default 5 s). */
  subscribeDeadlineMs?: number;
};

class SubscribeTimeoutError extends Error {}

async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new SubscribeTimeoutError(`no subscription within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  // no-transform: Next's compression (and proxies) would otherwise buffer the stream.
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
} as const;

const encoder = new TextEncoder();

function messageOf(events: LiveEvent[], resync: boolean | undefined): LiveMessage {
  const listed = events.slice(-MAX_LISTED_EVENTS);
  const message: LiveMessage = {
    events: listed.map((e) => ({ position: e.position.toString(), type: e.type, account: e.accountNumber, counterparty: e.counterparty })),
    more: events.length - listed.length,
  };
  if (resync) message.resync = true;
  return message;
}

function frame(delivery: LiveDelivery): string {
  const id = delivery.id === null ? '' : `id: ${delivery.id}\n`;
  return `event: ${LIVE_EVENTS}\n${id}data: ${JSON.stringify(messageOf(delivery.events, delivery.resync))}\n\n`;
}

/** The stream of one connection; resolves once its subscription is in place (or refused). */
export async function openLiveStream(
  feed: LiveFeed,
  params: LiveParams,
  options: LiveStreamOptions = {},
): Promise<ReadableStream<Uint8Array>> {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const retryMs = options.retryMs ?? 1_000;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let closed = false;
  let overflowed = false;
  let cursor: bigint | null = params.since ?? null;
  let unsubscribe: (() => void) | null = null;
  // eslint-disable-next-line prefer-const -- close() can run before the timer is set; reading a const then would throw
  let heartbeat: NodeJS.Timeout | undefined;

  const stream = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      // The client read below the bound again: tell it what it missed, in one message.
      pull() {
        flushOverflow();
      },
      cancel() {
        close();
      },
    },
    { highWaterMark: options.highWaterMarkBytes ?? 64 * 1024, size: (chunk) => chunk.byteLength },
  );

  function write(text: string): boolean {
    if (closed) return false;
    if ((controller.desiredSize ?? 0) <= 0) return false;
    controller.enqueue(encoder.encode(text));
    return true;
  }

  function flushOverflow(): void {
    if (!overflowed || closed || (controller.desiredSize ?? 0) <= 0) return;
    overflowed = false;
    write(frame({ events: [], id: cursor, resync: true }));
  }

  function deliver(delivery: LiveDelivery): void {
    if (delivery.id !== null) cursor = delivery.id;
    flushOverflow();
    if (overflowed || !write(frame(delivery))) overflowed = true;
  }

  function close(): void {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    unsubscribe?.();
    unsubscribe = null;
    options.signal?.removeEventListener('abort', close);
    try {
      controller.close();
    } catch {
      // already closed or cancelled by the reader
    }
  }

  if (options.signal?.aborted) {
    close();
    return stream;
  }
  options.signal?.addEventListener('abort', close);
  write(`retry: ${retryMs}\n: connected\n\n`);
  const subscribing = feed.subscribe({ account: params.account, operations: params.operations, deliver }, params.since);
  try {
    const stop = await withDeadline(subscribing, options.subscribeDeadlineMs ?? 5_000);
    if (closed) stop();
    else unsubscribe = stop;
  } catch (error) {
    // Given up on (PostgreSQL unreachable or stuck): a subscription that still completes is dropped.
    subscribing.then(
      (stop) => stop(),
      () => {},
    );
    const reason = error instanceof TooManySubscribersError ? 'busy' : 'read-model-unavailable';
    if (!(error instanceof TooManySubscribersError)) {
      console.warn(`[live] cannot follow the read model: ${error instanceof Error ? error.message : String(error)}`);
    }
    // Slower retry: the browser comes back once things have a chance to recover.
    write(`retry: ${Math.max(retryMs, 3_000)}\nevent: ${LIVE_UNAVAILABLE}\ndata: ${JSON.stringify({ reason })}\n\n`);
    close();
    return stream;
  }
  heartbeat = setInterval(() => {
    flushOverflow();
    if (!overflowed) write(': heartbeat\n\n');
  }, heartbeatMs);
  heartbeat.unref?.();
  return stream;
}
