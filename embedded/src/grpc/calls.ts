// Guards around grpc-js call objects: a handler must never throw into grpc-js or crash the
// process, and server-streaming writes must respect backpressure and cancellation.
import type * as grpc from '@grpc/grpc-js';
import type { Http2Session } from 'node:http2';
import { toWireError } from './errors.js';
import { outboundOf, wireSize } from './outbound.js';
import { http2StreamOf } from './grpc-internals.js';

/** Thrown inside streaming handlers when the client has gone away; never reported. */
export class CallClosedError extends Error {
  constructor() {
    super('call closed');
  }
}

/** What server-streaming and bidi calls have in common for writing. */
interface AnyWritable {
  readonly cancelled: boolean;
  readonly destroyed: boolean;
  readonly writableEnded: boolean;
  write(message: unknown, callback?: () => void): boolean;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  off(event: string, listener: (...args: unknown[]) => void): unknown;
  emit(event: string, ...args: unknown[]): boolean;
}

export function isClosed(call: AnyWritable): boolean {
  return call.cancelled || call.destroyed || call.writableEnded;
}

/**
 * Writes one message, waiting for 'drain' when grpc-js's buffer is full and, on a call whose
 * outbound bytes are counted (outbound.ts), until it is back under its byte limit.
 */
export function writeMessage(call: AnyWritable, message: unknown): Promise<void> | void {
  if (isClosed(call)) throw new CallClosedError();
  const tracker = outboundOf(call);
  if (!tracker) {
    if (call.write(message)) return;
    return waitForDrain(call, call);
  }
  const ok = call.write(message, tracker.wrote(wireSize(message)));
  if (ok && !tracker.full) return;
  const closed = () => {
    throw new CallClosedError();
  };
  if (!ok) return waitForDrain(call, call).then(() => tracker.low().catch(closed));
  return tracker.low().catch(closed);
}

interface Listenable {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  off(event: string, listener: (...args: unknown[]) => void): unknown;
}

/**
 * Resolves on the stream's next 'drain'; rejects with CallClosedError if the stream closes or
 * errors, or the call is cancelled, first.
 */
export function waitForDrain(stream: Listenable, call: Listenable): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const cleanup = () => {
      stream.off('drain', onDrain);
      stream.off('close', onGone);
      stream.off('error', onGone);
      call.off('cancelled', onGone);
    };
    const onDrain = () => {
      cleanup();
      resolve();
    };
    const onGone = () => {
      cleanup();
      reject(new CallClosedError());
    };
    stream.on('drain', onDrain);
    stream.on('close', onGone);
    stream.on('error', onGone);
    call.on('cancelled', onGone);
  });
}

/** Ends a streaming call with an error status, unless the client already left. */
export function failCall(call: AnyWritable, err: unknown, op?: string): void {
  if (err instanceof CallClosedError || call.cancelled || call.destroyed) return;
  try {
    call.emit('error', toWireError(err, op));
  } catch {
    // grpc-js may throw if the stream is already finished; nothing left to tell the client
  }
}

/** Wraps a unary handler: any throw/rejection becomes a proper gRPC status. */
export function unary<Req, Res>(
  op: string,
  handler: (call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res>,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    call.on('error', () => {});
    handler(call).then(
      (res) => callback(null, res),
      (err) => callback(toWireError(err, op)),
    );
  };
}

/** Wraps a server-streaming handler: resolves -> end OK, rejects -> error status. */
export function serverStream<Req, Res>(
  op: string,
  handler: (call: grpc.ServerWritableStream<Req, Res>) => Promise<void>,
): grpc.handleServerStreamingCall<Req, Res> {
  return (call) => {
    call.on('error', () => {});
    let p: Promise<void>;
    try {
      p = handler(call);
    } catch (err) {
      p = Promise.reject(err);
    }
    p.then(
      () => {
        if (!isClosed(call)) call.end();
      },
      (err) => failCall(call, err, op),
    );
  };
}

/**
 * Whether the request side ended because the client half-closed it. Node ends an HTTP/2
 * stream's readable side on RST_STREAM and on a lost connection too (after marking it closed),
 * and grpc-js passes that on as an ordinary 'end': a request ended that way is incomplete.
 */
export function endedByHalfClose(call: { readonly cancelled: boolean; getDeadline(): grpc.Deadline }): boolean {
  if (call.cancelled) return false;
  const stream = http2StreamOf(call);
  if (stream && (stream.closed || stream.destroyed || stream.aborted)) return false;
  const deadline = call.getDeadline();
  const ms = deadline instanceof Date ? deadline.getTime() : deadline;
  return !(Number.isFinite(ms) && ms <= Date.now());
}

interface PingRound {
  waiters: ((ok: boolean) => void)[];
}
const pingRounds = new WeakMap<Http2Session, { inFlight?: PingRound; next?: PingRound }>();

function sendRound(session: Http2Session, state: { inFlight?: PingRound; next?: PingRound }): void {
  const round = state.next;
  if (!round || state.inFlight) return;
  state.next = undefined;
  state.inFlight = round;
  const settle = (ok: boolean) => {
    state.inFlight = undefined;
    for (const w of round.waiters) w(ok);
    if (ok) sendRound(session, state);
    else if (state.next) {
      const rest = state.next;
      state.next = undefined;
      for (const w of rest.waiters) w(false);
    }
  };
  let sent: boolean;
  try {
    sent = !session.destroyed && !session.closed && session.ping((err) => settle(!err));
  } catch {
    sent = false;
  }
  if (!sent) settle(false);
}

/**
 * Resolves true once the client has answered an HTTP/2 PING sent after this call, false when
 * its connection is gone (or undefined when grpc-js is not shaped as expected).
 *
 * Why: Node's HTTP/2 client cancels a stream by ending it (END_STREAM) and then resetting it,
 * the reset in a later write. So a grpc-js client's cancelled Append arrives as a complete
 * request followed by RST_STREAM. Anything the client sent before answering the PING arrives
 * before the answer, so once it is in, a reset that was coming has been seen. Concurrent calls
 * on one connection share a PING.
 */
export function clientCaughtUp(call: unknown): Promise<boolean> | undefined {
  const session = http2StreamOf(call)?.session;
  if (!session || typeof session.ping !== 'function') return undefined;
  let state = pingRounds.get(session);
  if (!state) {
    state = {};
    pingRounds.set(session, state);
  }
  const round = (state.next ??= { waiters: [] });
  const done = new Promise<boolean>((resolve) => round.waiters.push(resolve));
  sendRound(session, state);
  return done;
}
