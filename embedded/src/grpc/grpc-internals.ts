// The one place that reaches into @grpc/grpc-js internals rather than its public API.
//
// Why: the public API writes one message per HTTP/2 write (ServerWritableStream has no _writev, so
// even cork() does not batch), and in a server profile of an `$all` read that per-message overhead
// is most of the CPU; framing the messages ourselves and writing them in batches to the call's
// HTTP/2 stream (read-direct.ts) made reads several times cheaper for the server. The append path
// also needs the HTTP/2 stream and session, to tell a client's half-close from a reset and to
// PING the client (calls.ts endedByHalfClose, clientCaughtUp).
//
// How it stays safe: everything is looked up at run time and checked for shape (grpc-js 1.10-1.14:
// the call object's `call` is the BaseServerInterceptingCall, or an interceptor wrapping it as
// `nextCall`, holding `stream` and `maybeSendMetadata`). When the shapes are not there (another
// grpc-js version, interceptors), these return undefined and callers use the public path: reads
// write message by message through grpc-js, Appends commit on the half-close alone. Nothing breaks,
// it only gets slower or loses the reset check. test/grpc-internals.test.ts fails when the installed
// grpc-js stops matching, so an upgrade that changes them is noticed, not silently slower.
import type { Http2Stream, ServerHttp2Stream } from 'node:http2';

let enabled = true;

/** Tests of the public fallback switch the internals off (and back on). */
export function useGrpcInternals(on: boolean): void {
  enabled = on;
}

interface BaseCallShape {
  stream?: unknown;
  maybeSendMetadata?: unknown;
  nextCall?: BaseCallShape;
}

function baseCallOf(call: unknown): BaseCallShape | undefined {
  if (!enabled || call === null || typeof call !== 'object') return undefined;
  const inner = (call as { call?: BaseCallShape }).call;
  if (!inner || typeof inner !== 'object') return undefined;
  return inner.stream !== undefined ? inner : inner.nextCall;
}

function isHttp2Stream(stream: unknown): stream is Http2Stream {
  return !!stream && typeof (stream as Http2Stream).write === 'function' && typeof (stream as Http2Stream).closed === 'boolean';
}

/** The call's HTTP/2 stream, for its state and its session (calls.ts). */
export function http2StreamOf(call: unknown): Http2Stream | undefined {
  const stream = baseCallOf(call)?.stream;
  return isHttp2Stream(stream) ? stream : undefined;
}

/** What a batched writer needs: the server stream, and grpc-js's own way to send the response headers first. */
export interface DirectCall {
  readonly stream: ServerHttp2Stream;
  sendHeaders(): void;
}

/** Direct access for writing pre-framed messages, or undefined when grpc-js is not shaped as expected. */
export function directCallOf(call: unknown): DirectCall | undefined {
  const base = baseCallOf(call);
  if (!base || typeof base.maybeSendMetadata !== 'function') return undefined;
  const stream = base.stream;
  if (!isHttp2Stream(stream) || typeof (stream as ServerHttp2Stream).respond !== 'function') return undefined;
  const send = base.maybeSendMetadata as () => void;
  return { stream: stream as ServerHttp2Stream, sendHeaders: () => send.call(base) };
}
