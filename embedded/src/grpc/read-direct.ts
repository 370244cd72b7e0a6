// Finite reads send one ReadResp per event. Through grpc-js every message is its own HTTP/2
// write (a native call, a WriteWrap, a completion callback), and in a server profile of a
// `$all` read that per-message overhead is most of the server's CPU. Here the read's messages
// are framed exactly as grpc-js frames them and written to the call's HTTP/2 stream in batches.
//
// This reaches into grpc-js internals (the call's BaseServerInterceptingCall and its stream),
// checked at run time: when they are not there (another grpc-js version, an interceptor), the
// caller gets undefined and uses the ordinary path. Only for calls where nothing has been
// written through grpc-js yet, so nothing queued in grpc-js can be overtaken; grpc-js still
// sends the headers (first) and the status trailers (after `call.end()`, behind these writes).
import type { ServerHttp2Stream } from 'node:http2';
import { CallClosedError, waitForDrain } from './calls.js';
import { FramedBatch } from './fast-encode.js';

/** Flush once this many bytes are framed (and at the end, and before any wait). */
const FLUSH_BYTES = 64 * 1024;

interface CallLike {
  readonly cancelled: boolean;
  readonly destroyed: boolean;
  readonly writableEnded: boolean;
  readonly writableLength: number;
  on(event: string, listener: () => void): unknown;
  off(event: string, listener: () => void): unknown;
}

interface BaseCallLike {
  stream: ServerHttp2Stream;
  maybeSendMetadata(): void;
}

export class DirectReadWriter {
  readonly batch = new FramedBatch();
  private started = false;

  private constructor(
    private readonly call: CallLike,
    private readonly base: BaseCallLike,
  ) {}

  /** A writer for `call`, or undefined when grpc-js is not shaped as expected or already has output queued. */
  static for(call: unknown): DirectReadWriter | undefined {
    const c = call as CallLike & { call?: Partial<BaseCallLike> };
    const base = c.call;
    if (!base || typeof base.maybeSendMetadata !== 'function') return undefined;
    const stream = base.stream;
    if (!stream || typeof stream.write !== 'function' || typeof stream.respond !== 'function') return undefined;
    if (c.writableLength !== 0 || c.writableEnded) return undefined;
    return new DirectReadWriter(c, base as BaseCallLike);
  }

  private closed(): boolean {
    const s = this.base.stream;
    return this.call.cancelled || this.call.destroyed || this.call.writableEnded || s.destroyed || s.closed;
  }

  /** Writes out what is batched once it is big enough; a promise when the stream asks to wait. */
  maybeFlush(): void | Promise<void> {
    if (this.batch.length >= FLUSH_BYTES) return this.flush();
  }

  /** Writes out what is batched; a promise when the stream's buffer is full (wait for 'drain'). */
  flush(): void | Promise<void> {
    if (this.closed()) throw new CallClosedError();
    if (this.batch.length === 0) return;
    if (!this.started) {
      // headers first, exactly as grpc-js does before its first message
      this.base.maybeSendMetadata();
      this.started = true;
    }
    if (this.base.stream.write(this.batch.take())) return;
    return waitForDrain(this.base.stream, this.call);
  }
}
