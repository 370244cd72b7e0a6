// The PersistentSubscriptions gRPC service (protocol §14) on top of the subsystem in ../persistent.
//
// Layers, outside in:
//   grpc/persistent-requests.ts, -info.ts, -errors.ts  wire messages <-> subsystem requests/results
//   grpc/persistent-read.ts, -wire.ts                  the consumer stream and its fast codecs
//   persistent/subsystem.ts                            all groups: management, routing of commits, timer
//   persistent/group.ts                                one group: reading, dispatch, ack/nack, parking, checkpoints
//   persistent/bookkeeping.ts, config-store.ts         checkpoint, parked and configuration streams in the log
import * as grpc from '@grpc/grpc-js';
import type * as pb from '@eventstore/db-client/generated/persistent_pb.js';
import type { Store } from '../core/types.js';
import { PersistentSubsystem } from '../persistent/subsystem.js';
import { persistentPb, sharedPb } from './generated.js';
import { toPersistentWireError } from './persistent-errors.js';
import { toSubscriptionInfo } from './persistent-info.js';
import { handleRead } from './persistent-read.js';
import { MemoryBudget } from './limits.js';
import { persistentServiceDefinition } from './persistent-wire.js';
import { parseCreate, parseDelete, parseGetInfo, parseList, parseReplayParked, parseUpdate } from './persistent-requests.js';

export interface PersistentSubscriptionsService {
  service: grpc.ServiceDefinition;
  implementation: grpc.UntypedServiceImplementation;
  close(): Promise<void>;
}

/** A unary handler whose failures (thrown or rejected) become §13 errors; never crashes the server. */
function unary<Req, Res>(handler: (req: Req) => Res | Promise<Res>): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    Promise.resolve()
      .then(() => handler(call.request))
      .then(
        (res) => callback(null, res),
        (err: unknown) => callback(toPersistentWireError(err)),
      );
  };
}

export async function createPersistentSubscriptions(store: Store, budget = new MemoryBudget()): Promise<PersistentSubscriptionsService> {
  const subsystem = await PersistentSubsystem.open(store, {
    bytesPerGroup: budget.limits.persistentReadAheadBytes,
    add: (delta) => {
      budget.persistentReadAhead += delta;
    },
  });

  const implementation = {
    create: unary(async (req: pb.CreateReq) => {
      await subsystem.create(parseCreate(req));
      return new persistentPb.CreateResp();
    }),
    update: unary(async (req: pb.UpdateReq) => {
      await subsystem.update(parseUpdate(req));
      return new persistentPb.UpdateResp();
    }),
    delete: unary(async (req: pb.DeleteReq) => {
      const { stream, group } = parseDelete(req);
      await subsystem.delete(stream, group);
      return new persistentPb.DeleteResp();
    }),
    getInfo: unary((req: pb.GetInfoReq) => {
      const { stream, group } = parseGetInfo(req);
      const resp = new persistentPb.GetInfoResp();
      resp.setSubscriptionInfo(toSubscriptionInfo(subsystem.info(stream, group)));
      return resp;
    }),
    list: unary((req: pb.ListReq) => {
      const { stream } = parseList(req);
      const resp = new persistentPb.ListResp();
      resp.setSubscriptionsList(subsystem.list(stream).map(toSubscriptionInfo));
      return resp;
    }),
    replayParked: unary((req: pb.ReplayParkedReq) => {
      const { stream, group, stopAt } = parseReplayParked(req);
      subsystem.replayParked(stream, group, stopAt);
      return new persistentPb.ReplayParkedResp();
    }),
    restartSubsystem: unary(async () => {
      await subsystem.restart();
      return new sharedPb.Empty();
    }),
    read: (call: Parameters<typeof handleRead>[1]) => handleRead(subsystem, call, budget),
  };

  return {
    service: persistentServiceDefinition(),
    implementation: implementation as unknown as grpc.UntypedServiceImplementation,
    close: () => subsystem.close(),
  };
}
