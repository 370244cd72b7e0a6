// ServerFeatures advertises exactly what is implemented; Gossip makes discovery connection strings work.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { connect, lib } from './client.js';
import { collect, streamName, useEventStore } from './support.js';
import { multiAppendServiceDefinition } from '../src/grpc/multi-append.js';

const { jsonEvent } = lib;

const require = createRequire(import.meta.url);
const featuresGrpc =
  require('@eventstore/db-client/generated/serverfeatures_grpc_pb.js') as typeof import('@eventstore/db-client/generated/serverfeatures_grpc_pb.js');
const gossipGrpc =
  require('@eventstore/db-client/generated/gossip_grpc_pb.js') as typeof import('@eventstore/db-client/generated/gossip_grpc_pb.js');
const gossipPb = require('@eventstore/db-client/generated/gossip_pb.js') as typeof import('@eventstore/db-client/generated/gossip_pb.js');
const sharedPb = require('@eventstore/db-client/generated/shared_pb.js') as typeof import('@eventstore/db-client/generated/shared_pb.js');
const streamsGrpc =
  require('@eventstore/db-client/generated/streams_grpc_pb.js') as typeof import('@eventstore/db-client/generated/streams_grpc_pb.js');
const persistentGrpc =
  require('@eventstore/db-client/generated/persistent_grpc_pb.js') as typeof import('@eventstore/db-client/generated/persistent_grpc_pb.js');

const es = useEventStore();

describe('ServerFeatures.GetSupportedMethods', () => {
  it('lists every implemented method by its fully-qualified lower-case path, with features', async () => {
    const client = new featuresGrpc.ServerFeaturesClient(`127.0.0.1:${es.server.port}`, grpc.credentials.createInsecure());
    const resp = await new Promise<InstanceType<typeof import('@eventstore/db-client/generated/serverfeatures_pb.js').SupportedMethods>>(
      (resolve, reject) => client.getSupportedMethods(new sharedPb.Empty(), (err, r) => (err ? reject(err) : resolve(r))),
    );
    client.close();
    const listed = new Map(
      resp.getMethodsList().map((m) => [`/${m.getServiceName()}/${m.getMethodName()}`.toLowerCase(), m.getFeaturesList()]),
    );
    expect(resp.getEventStoreServerVersion()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(listed.get('/event_store.client.streams.streams/batchappend')).toEqual(['deadline_duration']);
    expect(listed.get('/event_store.client.streams.streams/read')).toEqual(['position', 'events']);
    // KurrentDB 25.1's multi-stream append, which @kurrent/kurrentdb-client checks for
    expect(listed.get('/kurrentdb.protocol.v2.streams.streamsservice/appendsession')).toEqual([]);
    // every advertised Streams/PersistentSubscriptions method exists in the service definitions we serve
    const served = new Set(
      [streamsGrpc.StreamsService, persistentGrpc.PersistentSubscriptionsService, multiAppendServiceDefinition].flatMap((svc) =>
        Object.values(svc).map((d) => (d as { path: string }).path.toLowerCase()),
      ),
    );
    for (const path of listed.keys()) {
      if (path.includes('.streams.') || path.includes('persistent')) expect(served.has(path)).toBe(true);
    }
    for (const m of ['create', 'update', 'delete', 'read', 'getinfo', 'replayparked', 'list', 'restartsubsystem']) {
      expect(listed.get(`/event_store.client.persistent_subscriptions.persistentsubscriptions/${m}`)).toEqual(['stream', 'all']);
    }
  });
});

describe('Gossip.Read', () => {
  it('reports the single node as a live leader at its own address', async () => {
    const client = new gossipGrpc.GossipClient(`127.0.0.1:${es.server.port}`, grpc.credentials.createInsecure());
    const info = await new Promise<InstanceType<typeof gossipPb.ClusterInfo>>((resolve, reject) =>
      client.read(new sharedPb.Empty(), (err, r) => (err ? reject(err) : resolve(r))),
    );
    client.close();
    const [member] = info.getMembersList();
    expect(info.getMembersList()).toHaveLength(1);
    expect(member.getState()).toBe(gossipPb.MemberInfo.VNodeState.LEADER);
    expect(member.getIsAlive()).toBe(true);
    expect(member.getHttpEndPoint()!.getPort()).toBe(es.server.port);
  });

  it('lets a discovery connection string find the node', async () => {
    const client = connect(`esdb+discover://127.0.0.1:${es.server.port}?tls=false`);
    try {
      const s = streamName('discover');
      await client.appendToStream(s, jsonEvent({ type: 'T', data: {} }));
      expect(await collect(client.readStream(s))).toHaveLength(1);
    } finally {
      await client.dispose();
    }
  });
});
