// Catch-up subscriptions to a stream or to `$all` (§10).
//
// Loss-free, duplicate-free switch from history to live: register the commit listener first
// (buffering), then read history, then drain the buffer skipping anything at or below the
// last record already examined. If a slow client lets the live buffer overflow, drop it and
// go back to catch-up from the cursor (ESDB does the same, then sends caught_up again).
import { randomUUID } from 'node:crypto';
import type * as grpc from '@grpc/grpc-js';
import type { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb.js';
import type { RecordedEvent, Store } from '../core/types.js';
import { TOMBSTONE_REVISION } from '../core/types.js';
import { StreamDeletedError, StreamNotFoundError } from '../core/errors.js';
import { encodeCaughtUp, encodeCheckpoint, encodeConfirmation } from './read-control.js';
import { CallClosedError, isClosed, writeMessage } from './calls.js';
import { isHiddenFromFilteredAll } from './filter.js';
import { addRawToBatch, assertReadable, rawMatches, sendRawRecord, sendRecord } from './read.js';
import { DirectReadWriter } from './read-direct.js';
import { rawRecordsOf, type RawRecord } from '../core/reads.js';
import type { ParsedRead } from './read-request.js';
import { outboundOf, type OutboundTracker } from './outbound.js';

type Call = grpc.ServerWritableStream<ReadReq, ReadResp>;
type StreamSub = Extract<ParsedRead, { kind: 'stream-subscription' }>;
type AllSub = Extract<ParsedRead, { kind: 'all-subscription' }>;

/** Live records held for a client before it is sent back to catch-up... */
const LIVE_BUFFER_LIMIT = 10_000;

/** What a live record holds in memory, roughly: its payloads and names. */
function recordBytes(rec: RecordedEvent): number {
  return rec.data.length + rec.metadata.length + 2 * (rec.type.length + rec.streamId.length) + 64;
}

/**
 * ...or once the call's outbound bytes (written and unsent, plus this buffer) pass its byte
 * limit, so that a subscriber that stops reading holds about one limit of memory: it then
 * reads the same records from the log, at its own pace.
 */
class LiveBuffer {
  private items: RecordedEvent[] = [];
  private sizes: number[] = [];
  private head = 0;
  private wake: (() => void) | undefined;
  overflowed = false;

  constructor(
    private readonly accept: (rec: RecordedEvent) => boolean,
    private readonly tracker: OutboundTracker | undefined,
  ) {}

  push = (records: readonly RecordedEvent[]): void => {
    if (this.overflowed) return;
    const t = this.tracker;
    for (const rec of records) {
      if (!this.accept(rec)) continue;
      const size = recordBytes(rec);
      const held = this.items.length - this.head;
      // One event may wait while nothing is queued, however big; otherwise the limit holds.
      const overBytes = t !== undefined && t.queued + t.buffered + size > t.limit && (held > 0 || t.queued > 0);
      if (held >= LIVE_BUFFER_LIMIT || overBytes) {
        this.overflowed = true;
        this.clear();
        break;
      }
      this.items.push(rec);
      this.sizes.push(size);
      t?.hold(size);
    }
    this.wake?.();
  };

  /** Lets go of everything still held (overflow, or the subscription ending). */
  clear(): void {
    let bytes = 0;
    for (let i = this.head; i < this.sizes.length; i++) bytes += this.sizes[i];
    this.tracker?.release(bytes);
    this.items = [];
    this.sizes = [];
    this.head = 0;
  }

  /** Next buffered record, 'overflow', or 'closed' when the call goes away. */
  async next(closed: Promise<void>): Promise<RecordedEvent | 'overflow' | 'closed'> {
    for (;;) {
      if (this.overflowed) return 'overflow';
      if (this.head < this.items.length) {
        this.tracker?.release(this.sizes[this.head]);
        const rec = this.items[this.head++];
        // drop consumed entries now and then instead of shifting the array on every read
        if (this.head > 1024 && this.head * 2 > this.items.length) {
          this.items = this.items.slice(this.head);
          this.sizes = this.sizes.slice(this.head);
          this.head = 0;
        }
        return rec;
      }
      const woken = new Promise<'woken'>((resolve) => {
        this.wake = () => resolve('woken');
      });
      const why = await Promise.race([woken, closed.then(() => 'closed' as const)]);
      this.wake = undefined;
      if (why === 'closed') return 'closed';
    }
  }
}

/** One subscription's source: where history comes from and how records are ordered. */
interface Source {
  /** ordering key: revision for streams, position for `$all` */
  key(rec: RecordedEvent): bigint;
  /** records with key > cursor, oldest first (may include some <= cursor; they are skipped) */
  history(cursor: bigint): AsyncIterable<RecordedEvent>;
  /** which committed records belong to this subscription at all */
  accepts(rec: RecordedEvent): boolean;
}

function onClosed(call: Call): Promise<void> {
  return new Promise((resolve) => {
    if (isClosed(call)) return resolve();
    call.once('cancelled', () => resolve());
    call.once('close', () => resolve());
    call.once('error', () => resolve());
  });
}

interface Delivery {
  /** called for each record with key > cursor, in order; `live` tells which phase */
  consider(rec: RecordedEvent, live: boolean): void | Promise<void>;
  /**
   * History records straight from the log (see read.ts sendRawRecords), for `$all` only: the
   * ordering key is then the record's position.
   */
  considerRaw?(r: RawRecord): void | Promise<void>;
  /**
   * considerRaw into a batch written straight to the HTTP/2 stream (read-direct.ts), for
   * deliveries that send nothing else during history (no checkpoints).
   */
  considerRawBatched?(r: RawRecord, direct: DirectReadWriter): void | Promise<void>;
  /** just before `caught_up` */
  caughtUp(cursor: bigint): Promise<void>;
}

async function run(call: Call, store: Store, source: Source, start: bigint, delivery: Delivery): Promise<void> {
  const closed = onClosed(call);
  // The first history phase may go in batches, confirmation included so nothing queued in
  // grpc-js can be overtaken; everything after it (caught_up, live, later catch-ups) uses grpc-js.
  let direct = delivery.considerRawBatched ? DirectReadWriter.for(call) : undefined;
  const confirmation = encodeConfirmation(randomUUID());
  if (direct) {
    direct.batch.addMessage(confirmation);
    const pending = direct.flush();
    if (pending) await pending;
  } else {
    await writeMessage(call, confirmation);
  }
  let cursor = start;
  for (;;) {
    const buffer = new LiveBuffer(source.accepts, outboundOf(call));
    const unsubscribe = store.onCommit(buffer.push);
    try {
      const history = source.history(cursor);
      const raw = delivery.considerRaw ? rawRecordsOf(history) : undefined;
      if (raw && direct) {
        for (const r of raw) {
          if (isClosed(call)) throw new CallClosedError();
          if (r.position <= cursor) continue;
          cursor = BigInt(r.position);
          const pending = delivery.considerRawBatched!(r, direct);
          if (pending) await pending;
        }
        const pending = direct.flush();
        direct = undefined;
        if (pending) await pending;
      } else if (raw) {
        for (const r of raw) {
          if (isClosed(call)) throw new CallClosedError();
          if (r.position <= cursor) continue;
          cursor = BigInt(r.position);
          const pending = delivery.considerRaw!(r);
          if (pending) await pending;
        }
      } else {
        for await (const rec of history) {
          if (isClosed(call)) throw new CallClosedError();
          if (source.key(rec) <= cursor) continue;
          cursor = source.key(rec);
          const pending = delivery.consider(rec, false);
          if (pending) await pending;
        }
      }
      direct = undefined;
      if (buffer.overflowed) continue;
      await delivery.caughtUp(cursor);
      await writeMessage(call, encodeCaughtUp());
      for (;;) {
        const next = await buffer.next(closed);
        if (next === 'closed') throw new CallClosedError();
        if (next === 'overflow') break;
        if (source.key(next) <= cursor) continue;
        cursor = source.key(next);
        const pending = delivery.consider(next, true);
        if (pending) await pending;
      }
    } finally {
      unsubscribe();
      buffer.clear();
    }
  }
}

export async function subscribeToStream(call: Call, store: Store, req: StreamSub): Promise<void> {
  assertReadable(store, req.stream);
  const start = req.from === 'start' ? -1n : req.from === 'end' ? store.streamState(req.stream).lastRevision : req.from;
  const source: Source = {
    key: (rec) => rec.revision,
    accepts: (rec) => rec.streamId === req.stream,
    async *history(cursor) {
      try {
        yield* store.readStream(req.stream, { direction: 'forwards', from: cursor + 1n, maxCount: 2n ** 64n });
      } catch (err) {
        if (!(err instanceof StreamNotFoundError)) throw err;
      }
    },
  };
  await run(call, store, source, start, {
    consider(rec) {
      const sent = sendRecord(call, store, rec, req.resolveLinks, req.structuredUuids);
      if (rec.revision !== TOMBSTONE_REVISION) return sent;
      return Promise.resolve(sent).then(() => {
        throw new StreamDeletedError(req.stream);
      });
    },
    async caughtUp() {},
  });
}

export async function subscribeToAll(call: Call, store: Store, req: AllSub): Promise<void> {
  const start = req.from === 'start' ? 0n : req.from === 'end' ? store.lastPosition() : req.from;
  const source: Source = {
    key: (rec) => rec.position,
    accepts: () => true,
    history: (cursor) => store.readAll({ direction: 'forwards', from: cursor + 1n, maxCount: 2n ** 64n }),
  };
  const filter = req.filter;
  let considered = 0;
  let lastCheckpoint = -1n;
  const checkpoint = async (position: bigint) => {
    if (position <= lastCheckpoint) return;
    lastCheckpoint = position;
    await writeMessage(call, encodeCheckpoint(position));
  };
  await run(call, store, source, start, {
    consider(rec, live) {
      const wanted = filter ? filter.matches(rec) : !(live && isHiddenFromFilteredAll(rec.streamId));
      const sent = wanted ? sendRecord(call, store, rec, req.resolveLinks, req.structuredUuids) : undefined;
      if (!filter || ++considered < filter.interval) return sent;
      considered = 0;
      return Promise.resolve(sent).then(() => checkpoint(rec.position));
    },
    // no filter, no checkpoints: history can go in batches
    considerRawBatched: filter ? undefined : (r, direct) => addRawToBatch(direct, store, r, req.resolveLinks, req.structuredUuids),
    considerRaw(r) {
      // history: nothing is hidden without a filter (as in `consider` with live = false)
      const wanted = filter ? rawMatches(filter, r) : true;
      const sent = wanted ? sendRawRecord(call, store, r, req.resolveLinks, req.structuredUuids) : undefined;
      if (!filter || ++considered < filter.interval) return sent;
      considered = 0;
      const position = BigInt(r.position);
      return Promise.resolve(sent).then(() => checkpoint(position));
    },
    async caughtUp(cursor) {
      if (filter) await checkpoint(cursor);
    },
  });
}
