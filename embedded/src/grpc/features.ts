// ServerFeatures.GetSupportedMethods (§3) and Gossip.Read (§15).
// Only what is implemented is advertised: the client decides its append path from this list.
import { randomUUID } from 'node:crypto';
import type * as grpc from '@grpc/grpc-js';
import { gossipPb, serverFeaturesPb } from './generated.js';
import { nowTicks, toUuidMsg } from './convert.js';

export const SERVER_VERSION = '24.10.0';

const STREAMS = 'event_store.client.streams.streams';
const PERSISTENT = 'event_store.client.persistent_subscriptions.persistentsubscriptions';

export function supportedMethods(): InstanceType<typeof serverFeaturesPb.SupportedMethods> {
  const entries: Array<[service: string, method: string, features: string[]]> = [
    [STREAMS, 'read', ['position', 'events']],
    [STREAMS, 'append', []],
    [STREAMS, 'delete', []],
    [STREAMS, 'tombstone', []],
    [STREAMS, 'batchappend', ['deadline_duration']],
    ['event_store.client.server_features.serverfeatures', 'getsupportedmethods', []],
    ['event_store.client.gossip.gossip', 'read', []],
    // KurrentDB 25.1's multi-stream append (grpc/multi-append.ts)
    ['kurrentdb.protocol.v2.streams.streamsservice', 'appendsession', []],
  ];
  for (const m of ['create', 'update', 'delete', 'read', 'getinfo', 'replayparked', 'list', 'restartsubsystem']) {
    entries.push([PERSISTENT, m, ['stream', 'all']]);
  }
  const resp = new serverFeaturesPb.SupportedMethods();
  resp.setEventStoreServerVersion(SERVER_VERSION);
  resp.setMethodsList(
    entries.map(([service, method, features]) => {
      const m = new serverFeaturesPb.SupportedMethod();
      m.setServiceName(service);
      m.setMethodName(method);
      m.setFeaturesList(features);
      return m;
    }),
  );
  return resp;
}

export function serverFeaturesImplementation(): grpc.UntypedServiceImplementation {
  return {
    getSupportedMethods: (_call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      callback(null, supportedMethods());
    },
  };
}

/** Single node, always the live leader, advertising the address clients should dial. */
export function gossipImplementation(endpoint: () => { host: string; port: number }): grpc.UntypedServiceImplementation {
  const instanceId = randomUUID();
  return {
    read: (_call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      const { host, port } = endpoint();
      const ep = new gossipPb.EndPoint();
      ep.setAddress(host);
      ep.setPort(port);
      const member = new gossipPb.MemberInfo();
      member.setInstanceId(toUuidMsg(instanceId));
      member.setTimeStamp(nowTicks().toString());
      member.setState(gossipPb.MemberInfo.VNodeState.LEADER);
      member.setIsAlive(true);
      member.setHttpEndPoint(ep);
      const info = new gossipPb.ClusterInfo();
      info.setMembersList([member]);
      callback(null, info);
    },
  };
}
