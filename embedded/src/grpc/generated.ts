// One place that loads the generated protobuf classes and service definitions shipped
// in @eventstore/db-client. They are CommonJS, and the serializers check `instanceof`,
// so every layer must use these exact module instances (same google-protobuf too).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const clientRequire = createRequire(require.resolve('@eventstore/db-client/package.json'));

export const streamsPb = require('@eventstore/db-client/generated/streams_pb.js') as typeof import('@eventstore/db-client/generated/streams_pb.js');
export const streamsGrpc = require('@eventstore/db-client/generated/streams_grpc_pb.js') as typeof import('@eventstore/db-client/generated/streams_grpc_pb.js');
export const sharedPb = require('@eventstore/db-client/generated/shared_pb.js') as typeof import('@eventstore/db-client/generated/shared_pb.js');
export const statusPb = require('@eventstore/db-client/generated/status_pb.js') as typeof import('@eventstore/db-client/generated/status_pb.js');
export const codePb = require('@eventstore/db-client/generated/code_pb.js') as typeof import('@eventstore/db-client/generated/code_pb.js');
export const persistentPb = require('@eventstore/db-client/generated/persistent_pb.js') as typeof import('@eventstore/db-client/generated/persistent_pb.js');
export const persistentGrpc = require('@eventstore/db-client/generated/persistent_grpc_pb.js') as typeof import('@eventstore/db-client/generated/persistent_grpc_pb.js');
export const serverFeaturesPb = require('@eventstore/db-client/generated/serverfeatures_pb.js') as typeof import('@eventstore/db-client/generated/serverfeatures_pb.js');
export const serverFeaturesGrpc = require('@eventstore/db-client/generated/serverfeatures_grpc_pb.js') as typeof import('@eventstore/db-client/generated/serverfeatures_grpc_pb.js');
export const gossipPb = require('@eventstore/db-client/generated/gossip_pb.js') as typeof import('@eventstore/db-client/generated/gossip_pb.js');
export const gossipGrpc = require('@eventstore/db-client/generated/gossip_grpc_pb.js') as typeof import('@eventstore/db-client/generated/gossip_grpc_pb.js');

/** google.protobuf well-known types from the client's own google-protobuf instance. */
export const anyPb = clientRequire('google-protobuf/google/protobuf/any_pb.js') as typeof import('google-protobuf/google/protobuf/any_pb.js');
export const emptyPb = clientRequire('google-protobuf/google/protobuf/empty_pb.js') as typeof import('google-protobuf/google/protobuf/empty_pb.js');
export const timestampPb = clientRequire('google-protobuf/google/protobuf/timestamp_pb.js') as typeof import('google-protobuf/google/protobuf/timestamp_pb.js');
