// Finite reads send one ReadResp per event. Through grpc-js every message is its own HTTP/2
// write (a native call, a WriteWrap, a completion callback), and in a server profile of a
// `$all` read that per-message overhead is most of the server's CPU. Here the read's messages
// are framed exactly as grpc-js frames them and written to the call's HTTP/2 stream in batches.
//
// Pacing: the official client opens a 64 KiB HTTP/2 window and returns it only after decoding
// what it read, so every WINDOW_UPDATE must find bytes already queued in the stream, or the
// client idles for a round trip. Writing one batch and waiting for 'drain' (the stream empty)
// left nothing queued while the next batch was being encoded; measured through the official
// client, its event loop sat idle 13-15% of a `$all` read. So several batches stay queued (up to
// QUEUE_HIGH bytes, refilled below QUEUE_LOW as write callbacks report them sent), and the
// encoder yields to the event loop after each batch, so a WINDOW_UPDATE is never left waiting
// behind a long stretch of encoding.
//
// The call's HTTP/2 stream comes from grpc-internals.ts, the one module that touches grpc-js
// internals: when it is not available, `for` returns undefined and the caller uses the ordinary
// path. Only for calls where nothing has been written through grpc-js yet, so nothing queued in
// grpc-js can be overtaken; grpc-js still sends the headers (first) and the status trailers (after
// `call.end()`, behind these writes).
import { CallClosedError } from './calls.js';
import { directCallOf, type DirectCall } from './grpc-internals.js';
import { FramedBatch } from './fast-encode.js';
import { outboundOf, type OutboundTracker } from './outbound.js';

/** Flush once this many bytes are framed (and at the end, and before any wait): about 130 small events. */
const FLUSH_BYTES = 32 * 1024;
/** Bytes written but not yet sent above which the encoder waits... */
const QUEUE_HIGH = 256 * 1024;
/** ...until the stream has sent enough to be below this. */
const QUEUE_LOW = 128 * 1024;

interface CallLike {
  readonly cancelled: boolean;
  readonly destroyed: boolean;
  readonly writableEnded: boolean;
  readonly writableLength: number;
  on(event: string, listener: () => void): unknown;
  off(event: string, listener: () => void): unknown;
}

export class DirectReadWriter {
  readonly batch = new FramedBatch();
  private started = false;
  /** Bytes handed to the stream whose write callback has not run yet. */
  private queued = 0;
  private onSent: (() => void) | undefined;
  private readonly tracker: OutboundTracker | undefined;

  private constructor(
    private readonly call: CallLike,
    private readonly base: DirectCall,
  ) {
    this.tracker = outboundOf(call);
    // a call's byte limit below these marks wins
    const limit = this.tracker?.limit ?? Infinity;
    this.high = Math.min(QUEUE_HIGH, limit);
    this.low = Math.min(QUEUE_LOW, Math.floor(limit / 2));
  }

  private readonly high: number;
  private readonly low: number;

  /** A writer for `call`, or undefined when grpc-js is not shaped as expected or already has output queued. */
  static for(call: unknown): DirectReadWriter | undefined {
    const c = call as CallLike;
    const base = directCallOf(call);
    if (!base || c.writableLength !== 0 || c.writableEnded) return undefined;
    return new DirectReadWriter(c, base);
  }

  private closed(): boolean {
    const s = this.base.stream;
    return this.call.cancelled || this.call.destroyed || this.call.writableEnded || s.destroyed || s.closed;
  }

  /**
   * Writes out what is batched once it is big enough. Returns a promise that yields to the event
   * loop (or waits while too much is queued); the read goes on when it settles.
   */
  maybeFlush(): void | Promise<void> {
    if (this.batch.length < FLUSH_BYTES) return;
    this.write();
    return this.queued >= this.high ? this.sent() : new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** Writes out what is batched; a promise when too much is queued in the stream already. */
  flush(): void | Promise<void> {
    this.write();
    if (this.queued >= this.high) return this.sent();
  }

  private write(): void {
    if (this.closed()) throw new CallClosedError();
    if (this.batch.length === 0) return;
    if (!this.started) {
      // headers first, exactly as grpc-js does before its first message
      this.base.sendHeaders();
      this.started = true;
    }
    const chunk = this.batch.take();
    this.queued += chunk.length;
    const counted = this.tracker?.wrote(chunk.length);
    // The callback runs once the stream has sent the chunk, or with an error when it is torn down.
    this.base.stream.write(chunk, () => {
      counted?.();
      this.queued -= chunk.length;
      if (this.queued <= this.low) this.onSent?.();
    });
  }

  /** Resolves once the queue is down to QUEUE_LOW; rejects with CallClosedError if the call goes first. */
  private sent(): Promise<void> {
    const stream = this.base.stream;
    return new Promise<void>((resolve, reject) => {
      const settle = (err?: Error) => {
        this.onSent = undefined;
        stream.off('close', onGone);
        stream.off('error', onGone);
        this.call.off('cancelled', onGone);
        if (err) reject(err);
        else resolve();
      };
      const onGone = () => settle(new CallClosedError());
      this.onSent = () => settle();
      stream.on('close', onGone);
      stream.on('error', onGone);
      this.call.on('cancelled', onGone);
    });
  }
}
