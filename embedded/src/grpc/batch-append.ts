// Streams/BatchAppend: one long-lived bidi call multiplexing appends by correlation id (§7).
// Every problem with one append is answered in-band on that id; the call itself only ends
// when the client half-closes (after outstanding commits are answered) or goes away.
import type * as grpc from '@grpc/grpc-js';
import type { BatchAppendReq, BatchAppendResp } from '@eventstore/db-client/generated/streams_pb.js';
import type { UUID as UUIDMsg } from '@eventstore/db-client/generated/shared_pb.js';
import type { ExpectedRevision, Store } from '../core/types.js';
import { BadRequestError } from '../core/errors.js';
import { emptyPb, sharedPb, streamsPb } from './generated.js';
import { parseStreamName, parseUuid, toBigInt, toDecimal, toStreamIdentifier } from './convert.js';
import { badRequestStatus, timeoutStatus, toBatchAppendStatus } from './errors.js';
import { ProposedBatch } from './proposed.js';

type RpcStatus = NonNullable<ReturnType<BatchAppendResp['getError']>>;

interface PendingAppend {
  correlation: UUIDMsg;
  streamName: string;
  expected: ExpectedRevision;
  batch: ProposedBatch;
  timer?: NodeJS.Timeout;
}

function batchExpected(options: BatchAppendReq.Options): ExpectedRevision {
  const C = streamsPb.BatchAppendReq.Options.ExpectedStreamPositionCase;
  switch (options.getExpectedStreamPositionCase()) {
    case C.STREAM_POSITION:
      return { kind: 'exact', revision: toBigInt(options.getStreamPosition(), 'stream position') };
    case C.NO_STREAM:
      return { kind: 'no_stream' };
    case C.ANY:
      return { kind: 'any' };
    case C.STREAM_EXISTS:
      return { kind: 'stream_exists' };
    default:
      throw new BadRequestError('Missing expected stream position');
  }
}

/** Milliseconds left until the absolute deadline, or undefined when none was sent. */
function remainingMs(options: BatchAppendReq.Options): number | undefined {
  if (!options.hasDeadline()) return undefined;
  const ts = options.getDeadline()!;
  const ms = ts.getSeconds() * 1000 + Math.floor(ts.getNanos() / 1e6);
  return ms - Date.now();
}

export function batchAppendHandler(store: Store): grpc.handleBidiStreamingCall<BatchAppendReq, BatchAppendResp> {
  return (call) => {
    const pending = new Map<string, PendingAppend>();
    const commits = new Set<Promise<void>>();
    let halfClosed = false;
    let gone = false;

    const send = (resp: BatchAppendResp) => {
      if (gone || call.cancelled || call.destroyed || call.writableEnded) return;
      try {
        call.write(resp);
      } catch {
        // the call is finishing; the client has stopped listening
      }
    };

    const respondError = (correlation: UUIDMsg, streamName: string, status: RpcStatus) => {
      const resp = new streamsPb.BatchAppendResp();
      resp.setCorrelationId(correlation);
      // the client dereferences stream_identifier and details unchecked on errors
      resp.setStreamIdentifier(toStreamIdentifier(streamName));
      resp.setError(status);
      send(resp);
    };

    const drop = (key: string) => {
      const entry = pending.get(key);
      if (entry?.timer) clearTimeout(entry.timer);
      pending.delete(key);
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
            const success = new streamsPb.BatchAppendResp.Success();
            if (result.currentRevision < 0n) success.setNoStream(new emptyPb.Empty());
            else success.setCurrentRevision(toDecimal(result.currentRevision));
            if (result.position === undefined) success.setNoPosition(new emptyPb.Empty());
            else {
              const pos = new sharedPb.AllStreamPosition();
              pos.setCommitPosition(toDecimal(result.position));
              pos.setPreparePosition(toDecimal(result.position));
              success.setPosition(pos);
            }
            const resp = new streamsPb.BatchAppendResp();
            resp.setCorrelationId(entry.correlation);
            resp.setStreamIdentifier(toStreamIdentifier(entry.streamName));
            resp.setSuccess(success);
            send(resp);
          },
          (err) => respondError(entry.correlation, entry.streamName, toBatchAppendStatus(err)),
        )
        .finally(() => {
          commits.delete(p);
          maybeEnd();
        });
      commits.add(p);
    };

    const onRequest = (req: BatchAppendReq) => {
      if (!req.hasCorrelationId()) return; // nothing the client could match an answer to
      const correlation = req.getCorrelationId()!;
      let key: string;
      try {
        key = parseUuid(correlation, 'correlation id');
      } catch (err) {
        respondError(correlation, '', badRequestStatus((err as Error).message));
        return;
      }

      let entry = pending.get(key);
      if (!entry) {
        if (!req.hasOptions()) return; // unknown, failed or timed-out append: ignored
        const options = req.getOptions()!;
        let streamName = '';
        try {
          streamName = parseStreamName(options.getStreamIdentifier());
          const expected = batchExpected(options);
          const left = remainingMs(options);
          if (left !== undefined && left <= 0) {
            respondError(correlation, streamName, timeoutStatus());
            return;
          }
          entry = { correlation, streamName, expected, batch: new ProposedBatch() };
          if (left !== undefined) {
            const timed = entry;
            timed.timer = setTimeout(() => {
              if (pending.get(key) !== timed) return;
              pending.delete(key);
              respondError(correlation, timed.streamName, timeoutStatus());
            }, Math.min(left, 2 ** 31 - 1));
            timed.timer.unref?.();
          }
          pending.set(key, entry);
        } catch (err) {
          respondError(correlation, streamName, toBatchAppendStatus(err));
          return;
        }
      }

      try {
        for (const msg of req.getProposedMessagesList()) entry.batch.add(msg);
      } catch (err) {
        drop(key);
        respondError(correlation, entry.streamName, toBatchAppendStatus(err));
        return;
      }
      if (req.getIsFinal()) {
        drop(key);
        commit(entry);
      }
    };

    call.on('data', (req: BatchAppendReq) => {
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
