// The Streams service: wires each RPC to its handler, every one guarded so that no request,
// however malformed, can throw into grpc-js or crash the process.
import type * as grpc from '@grpc/grpc-js';
import type { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb.js';
import type { Store } from '../core/types.js';
import { appendHandler } from './append.js';
import { streamsGrpc } from './generated.js';
import { batchAppendHandler } from './batch-append.js';
import { fastBatchAppendMethod } from './batch-append-wire.js';
import { serverStream } from './calls.js';
import { deleteHandler, tombstoneHandler } from './delete.js';
import { toWireError } from './errors.js';
import { readAllToCall, readStreamToCall } from './read.js';
import { parseReadRequest } from './read-request.js';
import { subscribeToAll, subscribeToStream } from './subscribe.js';
import { MemoryBudget } from './limits.js';
import { trackOutbound } from './outbound.js';

/**
 * The generated StreamsService definition, except that Read also accepts pre-encoded ReadResp
 * bytes (see fast-encode.ts); the generated serializer only takes ReadResp instances. BatchAppend
 * decodes requests and encodes success answers by hand (see batch-append-wire.ts).
 */
export const streamsServiceDefinition: grpc.ServiceDefinition = (() => {
  const generated = streamsGrpc.StreamsService as unknown as grpc.ServiceDefinition;
  const read = generated.read as grpc.MethodDefinition<unknown, unknown>;
  return {
    ...generated,
    read: {
      ...read,
      responseSerialize: (value: unknown) => (Buffer.isBuffer(value) ? value : read.responseSerialize(value)),
    },
    batchAppend: fastBatchAppendMethod(generated.batchAppend as Parameters<typeof fastBatchAppendMethod>[0]) as grpc.MethodDefinition<
      unknown,
      unknown
    >,
  };
})();

export function streamsImplementation(store: Store, budget = new MemoryBudget()): grpc.UntypedServiceImplementation {
  const read = serverStream<ReadReq, ReadResp>('Read', async (call) => {
    trackOutbound(call, budget);
    const req = parseReadRequest(call.request);
    switch (req.kind) {
      case 'stream-read':
        return readStreamToCall(call, store, req);
      case 'all-read':
        return readAllToCall(call, store, req);
      case 'stream-subscription':
        return subscribeToStream(call, store, req);
      case 'all-subscription':
        return subscribeToAll(call, store, req);
      default: {
        const never: never = req;
        throw new Error(`unhandled read ${String(never)}`);
      }
    }
  });

  const append = appendHandler(store, budget);
  const batchAppend = batchAppendHandler(store, budget);
  return {
    read,
    append: guardClientStream(append),
    batchAppend: guardBidi(batchAppend),
    delete: deleteHandler(store),
    tombstone: tombstoneHandler(store),
  };
}

function guardClientStream<Req, Res>(handler: grpc.handleClientStreamingCall<Req, Res>): grpc.handleClientStreamingCall<Req, Res> {
  return (call, callback) => {
    let answered = false;
    const once: grpc.sendUnaryData<Res> = (err, value) => {
      if (answered) return;
      answered = true;
      callback(err, value);
    };
    try {
      handler(call, once);
    } catch (err) {
      once(toWireError(err));
    }
  };
}

function guardBidi<Req, Res>(handler: grpc.handleBidiStreamingCall<Req, Res>): grpc.handleBidiStreamingCall<Req, Res> {
  return (call) => {
    call.on('error', () => {});
    try {
      handler(call);
    } catch (err) {
      try {
        call.emit('error', toWireError(err));
      } catch {
        // already closed
      }
    }
  };
}
