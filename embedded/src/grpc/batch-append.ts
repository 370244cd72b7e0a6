// Streams/BatchAppend: one long-lived bidi call multiplexing appends by correlation id (§7).
// Every problem with one append is answered in-band on that id; the call itself only ends
// when the client half-closes (after outstanding commits are answered) or goes away.
import type * as grpc from '@grpc/grpc-js';
import type { BatchAppendResp } from '@eventstore/db-client/generated/streams_pb.js';
import type { ExpectedRevision, Store } from '../core/types.js';
import { BadRequestError } from '../core/errors.js';
import { streamsPb } from './generated.js';
import { parseStreamName, parseUuid, toBigInt, toStreamIdentifier } from './convert.js';
import { badRequestStatus, maxAppendSizeStatus, timeoutStatus, toBatchAppendStatus } from './errors.js';
import { MemoryBudget } from './limits.js';
import { ProposedBatch } from './proposed.js';
import {
  encodeBatchAppendSuccess,
  streamIdentifierOf,
  type WireBatchAppendReq,
  type WireOptions,
  type WireUuid,
} from './batch-append-wire.js';

type RpcStatus = NonNullable<ReturnType<BatchAppendResp['getError']>>;

interface PendingAppend {
  correlation: WireUuid;
  streamName: string;
  expected: ExpectedRevision;
  batch: ProposedBatch;
  /** bytes of this append counted against the call's and the server's budget */
  held: number;
  timer?: NodeJS.Timeout;
}

function batchExpected(options: WireOptions): ExpectedRevision {
  const expected = options.expected;
  if (expected === undefined) throw new BadRequestError('Missing expected stream position');
  switch (expected.kind) {
    case 'stream_position':
      return { kind: 'exact', revision: toBigInt(expected.position, 'stream position') };
    case 'no_stream':
      return { kind: 'no_stream' };
    case 'any':
      return { kind: 'any' };
    case 'stream_exists':
      return { kind: 'stream_exists' };
    default: {
      const never: never = expected;
      throw new Error(`unknown expected position ${String(never)}`);
    }
  }
}

/** Milliseconds left until the absolute deadline, or undefined when none was sent. */
function remainingMs(options: WireOptions): number | undefined {
  const ts = options.deadline;
  if (ts === undefined) return undefined;
  const ms = ts.seconds * 1000 + Math.floor(ts.nanos / 1e6);
  return ms - Date.now();
}

/** Requests arrive decoded by batch-append-wire.ts; answers go out as generated messages or bytes. */
export function batchAppendHandler(
  store: Store,
  budget = new MemoryBudget(),
): grpc.handleBidiStreamingCall<WireBatchAppendReq, BatchAppendResp | Buffer> {
  const { pendingAppendBytesPerCall, pendingAppendBytesTotal } = budget.limits;
  return (call) => {
    const pending = new Map<string, PendingAppend>();
    /** bytes of this call's unfinished appends */
    let held = 0;
    const commits = new Set<Promise<void>>();
    let halfClosed = false;
    let gone = false;

    const send = (resp: BatchAppendResp | Buffer) => {
      if (gone || call.cancelled || call.destroyed || call.writableEnded) return;
      try {
        call.write(resp);
      } catch {
        // the call is finishing; the client has stopped listening
      }
    };

    const respondError = (correlation: WireUuid, streamName: string, status: RpcStatus) => {
      const resp = new streamsPb.BatchAppendResp();
      resp.setCorrelationId(correlation.toProto());
      // the client dereferences stream_identifier and details unchecked on errors
      resp.setStreamIdentifier(toStreamIdentifier(streamName));
      resp.setError(status);
      send(resp);
    };

    const drop = (key: string) => {
      const entry = pending.get(key);
      if (!entry) return;
      if (entry.timer) clearTimeout(entry.timer);
      pending.delete(key);
      held -= entry.held;
      budget.pendingAppends -= entry.held;
      entry.held = 0;
    };

    const maybeEnd = () => {
      if (halfClosed && commits.size === 0 && !gone && !call.writableEnded) {
        try {
          call.end();
        } catch {
          // already ended
        }
      }
    };

    const commit = (entry: PendingAppend) => {
      const p = store
        .append(entry.streamName, entry.expected, entry.batch.events)
        .then(
          (result) => {
            let bytes: Buffer;
            try {
              bytes = encodeBatchAppendSuccess(entry.correlation, entry.streamName, result.currentRevision, result.position);
            } catch (err) {
              // an encoder bug must not become an unhandled rejection; the client still gets an answer
              respondError(entry.correlation, entry.streamName, toBatchAppendStatus(err));
              return;
            }
            send(bytes);
          },
          (err) => respondError(entry.correlation, entry.streamName, toBatchAppendStatus(err)),
        )
        .finally(() => {
          commits.delete(p);
          maybeEnd();
        });
      commits.add(p);
    };

    const onRequest = (req: WireBatchAppendReq) => {
      const correlation = req.correlation;
      if (correlation === undefined) return; // nothing the client could match an answer to
      let key: string;
      try {
        key = parseUuid(correlation.asMessage(), 'correlation id');
      } catch (err) {
        respondError(correlation, '', badRequestStatus((err as Error).message));
        return;
      }

      let entry = pending.get(key);
      if (!entry) {
        const options = req.options;
        if (options === undefined) return; // unknown, failed or timed-out append: ignored
        let streamName = '';
        try {
          streamName = parseStreamName(streamIdentifierOf(options.streamName));
          const expected = batchExpected(options);
          const left = remainingMs(options);
          if (left !== undefined && left <= 0) {
            respondError(correlation, streamName, timeoutStatus());
            return;
          }
          entry = { correlation, streamName, expected, batch: new ProposedBatch(), held: 0 };
          if (left !== undefined) {
            const timed = entry;
            timed.timer = setTimeout(
              () => {
                if (pending.get(key) !== timed) return;
                drop(key);
                respondError(correlation, timed.streamName, timeoutStatus());
              },
              Math.min(left, 2 ** 31 - 1),
            );
            timed.timer.unref?.();
          }
          pending.set(key, entry);
        } catch (err) {
          respondError(correlation, streamName, toBatchAppendStatus(err));
          return;
        }
      }

      try {
        for (const msg of req.messages) entry.batch.add(msg);
      } catch (err) {
        drop(key);
        respondError(correlation, entry.streamName, toBatchAppendStatus(err));
        return;
      }
      if (req.isFinal) {
        drop(key);
        commit(entry);
        return;
      }
      // Not final: the chunk stays in memory until the rest arrives. Past the byte limits the
      // append is refused as too large (the answer ESDB gives a request too big to take) and
      // what it holds is let go; later chunks of it are then ignored like any unknown id.
      const grown = entry.batch.bytes - entry.held;
      held += grown;
      budget.pendingAppends += grown;
      entry.held = entry.batch.bytes;
      const limit =
        held > pendingAppendBytesPerCall
          ? pendingAppendBytesPerCall
          : budget.pendingAppends > pendingAppendBytesTotal
            ? pendingAppendBytesTotal
            : 0;
      if (limit > 0) {
        drop(key);
        respondError(correlation, entry.streamName, maxAppendSizeStatus(Math.min(limit, 0xffffffff)));
      }
      if (budget.pendingAppends > budget.pendingAppendsPeak) budget.pendingAppendsPeak = budget.pendingAppends;
    };

    call.on('data', (req: WireBatchAppendReq) => {
      try {
        onRequest(req);
      } catch {
        // defensive: a malformed message must never take the process down
      }
    });
    call.on('end', () => {
      halfClosed = true;
      for (const key of [...pending.keys()]) drop(key);
      maybeEnd();
    });
    const cleanup = () => {
      gone = true;
      for (const key of [...pending.keys()]) drop(key);
    };
    call.on('cancelled', cleanup);
    call.on('error', cleanup);
  };
}
