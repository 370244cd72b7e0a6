// One place that loads the generated protobuf classes and service definitions shipped
// in @eventstore/db-client. They are CommonJS, and the serializers check `instanceof`,
// so every layer must use these exact module instances (same google-protobuf too).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const clientRequire = createRequire(require.resolve('@eventstore/db-client/package.json'));

/**
 * google-protobuf's generated code registers each message on one process-wide `proto` namespace
 * (`proto.event_store.client.streams.ReadResp`, ...), and serializers look nested messages up
 * there when they run. @kurrent/kurrentdb-client ships its own, partly newer, copy of the same
 * protos. Whichever loads second takes the names over, so a kurrent client loaded before this
 * server would be left serializing its requests with 6.2.1's classes (its BatchAppend options
 * then fail to encode). Loading ours therefore puts back every name that was already there: a
 * client in this process keeps its own classes whatever the load order. Ours only need those
 * names for messages both copies define alike; the three that differ (ReadResp's CaughtUp,
 * Checkpoint, FellBehind) are sent as hand-encoded bytes (read-control.ts).
 */
function keepingExistingProtoNames<T>(load: () => T): T {
  const root = (globalThis as { proto?: object }).proto;
  const saved: [object, string, unknown][] = [];
  const walk = (ns: object) => {
    for (const [key, value] of Object.entries(ns)) {
      saved.push([ns, key, value]);
      // namespaces are plain objects; message classes (functions) are restored as a whole
      if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) walk(value);
    }
  };
  if (root) walk(root);
  try {
    return load();
  } finally {
    for (const [ns, key, value] of saved) (ns as Record<string, unknown>)[key] = value;
  }
}

const modules = keepingExistingProtoNames(() => ({
  streamsPb: require('@eventstore/db-client/generated/streams_pb.js') as typeof import('@eventstore/db-client/generated/streams_pb.js'),
  streamsGrpc:
    require('@eventstore/db-client/generated/streams_grpc_pb.js') as typeof import('@eventstore/db-client/generated/streams_grpc_pb.js'),
  sharedPb: require('@eventstore/db-client/generated/shared_pb.js') as typeof import('@eventstore/db-client/generated/shared_pb.js'),
  statusPb: require('@eventstore/db-client/generated/status_pb.js') as typeof import('@eventstore/db-client/generated/status_pb.js'),
  codePb: require('@eventstore/db-client/generated/code_pb.js') as typeof import('@eventstore/db-client/generated/code_pb.js'),
  persistentPb:
    require('@eventstore/db-client/generated/persistent_pb.js') as typeof import('@eventstore/db-client/generated/persistent_pb.js'),
  persistentGrpc:
    require('@eventstore/db-client/generated/persistent_grpc_pb.js') as typeof import('@eventstore/db-client/generated/persistent_grpc_pb.js'),
  serverFeaturesPb:
    require('@eventstore/db-client/generated/serverfeatures_pb.js') as typeof import('@eventstore/db-client/generated/serverfeatures_pb.js'),
  serverFeaturesGrpc:
    require('@eventstore/db-client/generated/serverfeatures_grpc_pb.js') as typeof import('@eventstore/db-client/generated/serverfeatures_grpc_pb.js'),
  gossipPb: require('@eventstore/db-client/generated/gossip_pb.js') as typeof import('@eventstore/db-client/generated/gossip_pb.js'),
  gossipGrpc:
    require('@eventstore/db-client/generated/gossip_grpc_pb.js') as typeof import('@eventstore/db-client/generated/gossip_grpc_pb.js'),
}));

export const {
  streamsPb,
  streamsGrpc,
  sharedPb,
  statusPb,
  codePb,
  persistentPb,
  persistentGrpc,
  serverFeaturesPb,
  serverFeaturesGrpc,
  gossipPb,
  gossipGrpc,
} = modules;

/** google.protobuf well-known types from the client's own google-protobuf instance. */
export const anyPb = clientRequire(
  'google-protobuf/google/protobuf/any_pb.js',
) as typeof import('google-protobuf/google/protobuf/any_pb.js');
export const emptyPb = clientRequire(
  'google-protobuf/google/protobuf/empty_pb.js',
) as typeof import('google-protobuf/google/protobuf/empty_pb.js');
export const timestampPb = clientRequire(
  'google-protobuf/google/protobuf/timestamp_pb.js',
) as typeof import('google-protobuf/google/protobuf/timestamp_pb.js');
