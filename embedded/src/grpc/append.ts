// Streams/Append: client-streaming, options first, then proposed messages, one answer (§6).
// A wrong expected version is a normal OK response; everything else is a §13 error.
import type * as grpc from '@grpc/grpc-js';
import type { AppendReq, AppendResp } from '@eventstore/db-client/generated/streams_pb.js';
import type { ExpectedRevision, Store } from '../core/types.js';
import { BadRequestError, WrongExpectedVersionError } from '../core/errors.js';
import { sharedPb, streamsPb } from './generated.js';
import { parseStreamName, toBigInt, toDecimal } from './convert.js';
import { maximumAppendSizeExceeded, toWireError, unknownError } from './errors.js';
import { MemoryBudget } from './limits.js';
import { clientCaughtUp, endedByHalfClose } from './calls.js';
import { MissingMetadataError, ProposedBatch } from './proposed.js';

export function appendExpected(options: AppendReq.Options): ExpectedRevision {
  const C = streamsPb.AppendReq.Options.ExpectedStreamRevisionCase;
  switch (options.getExpectedStreamRevisionCase()) {
    case C.REVISION:
      return { kind: 'exact', revision: toBigInt(options.getRevision(), 'revision') };
    case C.NO_STREAM:
      return { kind: 'no_stream' };
    case C.ANY:
      return { kind: 'any' };
    case C.STREAM_EXISTS:
      return { kind: 'stream_exists' };
    default:
      throw new BadRequestError('Missing expected stream revision');
  }
}

// Legacy `_20_6_0` fields are left out: 6.2.1 ignores them.
function wrongExpectedVersionResp(err: WrongExpectedVersionError): AppendResp {
  const w = new streamsPb.AppendResp.WrongExpectedVersion();
  const empty = () => new sharedPb.Empty();
  if (err.currentRevision < 0n) w.setCurrentNoStream(empty());
  else w.setCurrentRevision(toDecimal(err.currentRevision));
  const e = err.expected;
  switch (e.kind) {
    case 'any':
      w.setExpectedAny(empty());
      break;
    case 'stream_exists':
      w.setExpectedStreamExists(empty());
      break;
    case 'no_stream':
      w.setExpectedNoStream(empty());
      break;
    case 'exact':
      w.setExpectedRevision(toDecimal(e.revision));
      break;
  }
  const resp = new streamsPb.AppendResp();
  resp.setWrongExpectedVersion(w);
  return resp;
}

export function appendHandler(store: Store, budget = new MemoryBudget()): grpc.handleClientStreamingCall<AppendReq, AppendResp> {
  const total = budget.limits.pendingAppendBytesTotal;
  return (call, callback) => {
    let streamName: string | undefined;
    let expected: ExpectedRevision | undefined;
    const batch = new ProposedBatch();
    let done = false;
    // Events received and not yet committed count against the server's total for unfinished
    // appends, like BatchAppend chunks: many slow or stalled Append calls cannot pile up.
    let held = 0;
    const release = () => {
      budget.pendingAppends -= held;
      held = 0;
    };

    // Answer exactly once; after a failure the rest of the request is ignored and nothing is written.
    // A malformed request fails inside ESDB's Append handler, which ends the call with UNKNOWN
    // (protocol §4.2, §6); the client reports UnknownError either way. Missing metadata has its
    // own INVALID_ARGUMENT error with an exception trailer (§6, §13).
    const finish = (err: unknown, resp?: AppendResp) => {
      if (done) return;
      done = true;
      release();
      if (err instanceof BadRequestError && !(err instanceof MissingMetadataError)) callback(unknownError(err.message));
      else if (err) callback(toWireError(err, 'Append'));
      else callback(null, resp);
    };

    call.on('data', (req: AppendReq) => {
      if (done) return;
      try {
        if (streamName === undefined) {
          if (!req.hasOptions()) throw new BadRequestError('The first Append message must carry options');
          const options = req.getOptions()!;
          streamName = parseStreamName(options.getStreamIdentifier());
          expected = appendExpected(options);
          return;
        }
        if (!req.hasProposedMessage()) throw new BadRequestError('Expected a proposed message');
        batch.add(req.getProposedMessage()!);
        budget.pendingAppends += batch.bytes - held;
        held = batch.bytes;
        if (budget.pendingAppends > total) throw maximumAppendSizeExceeded(Math.min(total, 0xffffffff));
        if (budget.pendingAppends > budget.pendingAppendsPeak) budget.pendingAppendsPeak = budget.pendingAppends;
      } catch (err) {
        finish(err);
      }
    });
    // A request the client abandoned (cancel, reset, lost connection, deadline) writes nothing.
    const abandon = () => {
      done = true;
      release();
    };
    call.on('error', abandon);
    call.on('cancelled', abandon);
    call.on('end', () => {
      if (done) return;
      if (!endedByHalfClose(call)) {
        abandon();
        return;
      }
      // A cancelling grpc-js client ends the stream before resetting it (see clientCaughtUp):
      // the request is complete only if no reset follows before the client answers a PING.
      const caughtUp = clientCaughtUp(call);
      if (caughtUp) caughtUp.then((ok) => (ok ? commit() : abandon()), abandon);
      else setImmediate(commit);
    });
    const commit = () => {
      if (done) return;
      if (!endedByHalfClose(call)) {
        abandon();
        return;
      }
      if (streamName === undefined || expected === undefined) {
        finish(new BadRequestError('Append request without options'));
        return;
      }
      store.append(streamName, expected, batch.events).then(
        (result) => {
          const success = new streamsPb.AppendResp.Success();
          if (result.currentRevision < 0n) success.setNoStream(new sharedPb.Empty());
          else success.setCurrentRevision(toDecimal(result.currentRevision));
          if (result.position === undefined) success.setNoPosition(new sharedPb.Empty());
          else {
            const pos = new streamsPb.AppendResp.Position();
            pos.setCommitPosition(toDecimal(result.position));
            pos.setPreparePosition(toDecimal(result.position));
            success.setPosition(pos);
          }
          const resp = new streamsPb.AppendResp();
          resp.setSuccess(success);
          finish(null, resp);
        },
        (err) => {
          if (err instanceof WrongExpectedVersionError) finish(null, wrongExpectedVersionResp(err));
          else finish(err);
        },
      );
    };
  };
}
