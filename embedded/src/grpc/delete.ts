// Streams/Delete (soft) and Streams/Tombstone (hard), protocol §12.
import type { DeleteReq, DeleteResp, TombstoneReq, TombstoneResp } from '@eventstore/db-client/generated/streams_pb.js';
import type { ExpectedRevision, Store } from '../core/types.js';
import { BadRequestError } from '../core/errors.js';
import { streamsPb } from './generated.js';
import { parseStreamName, toBigInt, toDecimal } from './convert.js';
import { unary } from './calls.js';

type DeleteOptions = DeleteReq.Options | TombstoneReq.Options;

// Delete and Tombstone options share field numbers and oneof cases.
function parseOptions(options: DeleteOptions | undefined): { stream: string; expected: ExpectedRevision } {
  if (!options) throw new BadRequestError('Missing options');
  const stream = parseStreamName(options.getStreamIdentifier());
  const C = streamsPb.DeleteReq.Options.ExpectedStreamRevisionCase;
  let expected: ExpectedRevision;
  switch (options.getExpectedStreamRevisionCase() as number) {
    case C.REVISION:
      expected = { kind: 'exact', revision: toBigInt(options.getRevision(), 'revision') };
      break;
    case C.NO_STREAM:
      expected = { kind: 'no_stream' };
      break;
    case C.ANY:
      expected = { kind: 'any' };
      break;
    case C.STREAM_EXISTS:
      expected = { kind: 'stream_exists' };
      break;
    default:
      throw new BadRequestError('Missing expected stream revision');
  }
  return { stream, expected };
}

export const deleteHandler = (store: Store) =>
  unary<DeleteReq, DeleteResp>('Delete', async (call) => {
    const { stream, expected } = parseOptions(call.request.getOptions());
    const { position } = await store.deleteStream(stream, expected);
    const pos = new streamsPb.DeleteResp.Position();
    pos.setCommitPosition(toDecimal(position));
    pos.setPreparePosition(toDecimal(position));
    const resp = new streamsPb.DeleteResp();
    resp.setPosition(pos);
    return resp;
  });

export const tombstoneHandler = (store: Store) =>
  unary<TombstoneReq, TombstoneResp>('Delete', async (call) => {
    const { stream, expected } = parseOptions(call.request.getOptions());
    const { position } = await store.tombstoneStream(stream, expected);
    const pos = new streamsPb.TombstoneResp.Position();
    pos.setCommitPosition(toDecimal(position));
    pos.setPreparePosition(toDecimal(position));
    const resp = new streamsPb.TombstoneResp();
    resp.setPosition(pos);
    return resp;
  });
