// PersistentSubscriptions/Read: one consumer connection (§14.8).
import * as grpc from '@grpc/grpc-js';
import type * as pb from '@eventstore/db-client/generated/persistent_pb.js';
import { BadRequestError } from '../core/errors.js';
import { ALL } from '../persistent/definition.js';
import type { Delivery, NackAction } from '../persistent/group.js';
import type { ConsumerHandle, PersistentSubsystem } from '../persistent/subsystem.js';
import { parseStreamName, parseUuid } from './convert.js';
import { persistentPb } from './generated.js';
import { toPersistentWireError } from './persistent-errors.js';
import { encodeDelivery, type ReadRequest } from './persistent-wire.js';
import type { MemoryBudget } from './limits.js';
import { trackOutbound, wireSize } from './outbound.js';

/** Requests and responses use the fast codecs of persistent-wire.ts. */
type ReadCall = grpc.ServerDuplexStream<ReadRequest, pb.ReadResp | Buffer>;

const ACTIONS: Record<number, NackAction> = { 0: 'unknown', 1: 'park', 2: 'retry', 3: 'skip', 4: 'stop' };

export function handleRead(subsystem: PersistentSubsystem, call: ReadCall, budget: MemoryBudget): void {
  // Unsent deliveries are counted; past the limit the group treats the consumer as full.
  const outbound = trackOutbound(call, budget);
  let handle: ConsumerHandle | undefined;
  let finished = false;
  let confirmed = false;
  let structuredUuids = false;
  const early: Delivery[] = [];

  /** Leaves the group: whatever is still in flight to this consumer is retried elsewhere (§14.9). */
  const leave = () => {
    finished = true;
    handle?.close();
    handle = undefined;
  };

  const finish = (err?: grpc.ServiceError) => {
    if (finished) return;
    leave();
    if (err) call.emit('error', err);
    else call.end();
  };

  const send = (message: pb.ReadResp | Buffer) => {
    call.write(message, outbound.wrote(wireSize(message)));
  };

  const write = (d: Delivery) => {
    if (finished) return;
    // Events produced while connecting must follow the confirmation.
    if (!confirmed) early.push(d);
    else send(encodeDelivery(d, structuredUuids));
  };

  const connect = (req: pb.ReadReq) => {
    const o = req.getOptions();
    if (!o) throw new BadRequestError('The first message of a persistent subscription must carry options');
    const isAll = o.getStreamOptionCase() === persistentPb.ReadReq.Options.StreamOptionCase.ALL;
    const stream = isAll ? ALL : parseStreamName(o.getStreamIdentifier());
    const group = o.getGroupName();
    structuredUuids = o.getUuidOption()?.getContentCase() === persistentPb.ReadReq.Options.UUIDOption.ContentCase.STRUCTURED;
    const bufferSize = o.getBufferSize();
    if (!Number.isInteger(bufferSize) || bufferSize <= 0) throw new BadRequestError(`Invalid buffer size ${bufferSize}: must be positive`);
    const connectionName = String(call.metadata.get('connection-name')[0] ?? '<unknown>');
    handle = subsystem.connect(stream, group, connectionName, bufferSize, {
      deliver: write,
      congested: () => outbound.full,
      drop: (err) => finish(toPersistentWireError(err)),
    });
    const drained = outbound.onDrained(() => handle?.resume());
    call.once('close', drained);
    const confirmation = new persistentPb.ReadResp.SubscriptionConfirmation();
    confirmation.setSubscriptionId(`${stream}::${group}`);
    const resp = new persistentPb.ReadResp();
    resp.setSubscriptionConfirmation(confirmation);
    send(resp);
    confirmed = true;
    for (const d of early.splice(0)) send(encodeDelivery(d, structuredUuids));
  };

  const nack = (ids: string[], actionCode: number, reason: string) => {
    const action = ACTIONS[actionCode];
    if (!action) throw new BadRequestError(`Unknown nack action ${actionCode}`);
    handle!.nack(ids, action, reason);
  };

  call.on('data', (msg: ReadRequest) => {
    if (finished) return;
    try {
      if (!handle) {
        if (msg.kind !== 'other') throw new BadRequestError('The first message of a persistent subscription must carry options');
        connect(msg.req);
      } else if (msg.kind === 'ack') {
        handle.ack(msg.ids);
      } else if (msg.kind === 'nack') {
        nack(msg.ids, msg.action, msg.reason);
      } else if (msg.req.hasAck()) {
        handle.ack(
          msg.req
            .getAck()!
            .getIdsList()
            .map((id) => parseUuid(id, 'event id')),
        );
      } else if (msg.req.hasNack()) {
        const n = msg.req.getNack()!;
        nack(
          n.getIdsList().map((id) => parseUuid(id, 'event id')),
          n.getAction(),
          n.getReason(),
        );
      } else if (msg.req.hasOptions()) {
        throw new BadRequestError('Options may only be sent once');
      }
    } catch (err) {
      finish(toPersistentWireError(err));
    }
  });
  // The client half-closing, cancelling (unsubscribe) or the call failing.
  call.on('end', () => finish());
  call.on('cancelled', leave);
  call.on('error', leave);
}
