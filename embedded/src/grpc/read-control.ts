// The ReadResp messages a subscription sends besides events: confirmation, caught_up, checkpoint,
// encoded by hand (streams.proto field numbers, protocol §10.1, §10.4) rather than through the
// generated classes.
//
// Why: google-protobuf's generated code registers every message on one process-wide `proto`
// namespace, and its serializers look their nested messages up there at call time. A newer copy
// of the same protos loaded later in the process (@kurrent/kurrentdb-client ships streams.proto
// with fields added to CaughtUp, FellBehind and Checkpoint) replaces those entries, so our
// ReadResp serializer would hand our CaughtUp to its writer, which throws, and the client would
// get INTERNAL "Error serializing response". Bytes do not depend on that namespace; streams.ts's
// Read serializer passes them through.
import { ProtoWriter, delimitedSize, uint64FieldSize, varintSize } from './proto-writer.js';

const CONFIRMATION = 2;
const CHECKPOINT = 3;
const CAUGHT_UP = 8;

export function encodeConfirmation(subscriptionId: string): Buffer {
  const idLen = Buffer.byteLength(subscriptionId, 'utf8');
  const body = 1 + varintSize(idLen) + idLen;
  const w = new ProtoWriter(delimitedSize(body));
  w.open(CONFIRMATION, body);
  w.string(1, subscriptionId, idLen);
  return w.finish('ReadResp.confirmation');
}

const CAUGHT_UP_BYTES = Buffer.from([(CAUGHT_UP << 3) | 2, 0]);

export function encodeCaughtUp(): Buffer {
  return CAUGHT_UP_BYTES;
}

/** commit == prepare (protocol §4.3). */
export function encodeCheckpoint(position: bigint): Buffer {
  const body = 2 * uint64FieldSize(position);
  const w = new ProtoWriter(delimitedSize(body));
  w.open(CHECKPOINT, body);
  w.uint64(1, position);
  w.uint64(2, position);
  return w.finish('ReadResp.checkpoint');
}
