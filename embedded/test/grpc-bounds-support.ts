// Helpers for the memory-bound tests: a server started with small byte limits, raw grpc-js
// clients built from the generated classes (so a test can stop reading, or leave appends
// unfinished, which the official client never does), and message builders.
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { EventStoreDBClient } from '@eventstore/db-client';
import { startEventStore, type RunningEventStore } from '../src/index.js';
import type { MemoryLimits } from '../src/grpc/limits.js';

const require = createRequire(import.meta.url);
export const streamsPb =
  require('@eventstore/db-client/generated/streams_pb.js') as typeof import('@eventstore/db-client/generated/streams_pb.js');
export const streamsGrpc =
  require('@eventstore/db-client/generated/streams_grpc_pb.js') as typeof import('@eventstore/db-client/generated/streams_grpc_pb.js');
export const sharedPb =
  require('@eventstore/db-client/generated/shared_pb.js') as typeof import('@eventstore/db-client/generated/shared_pb.js');
const clientRequire = createRequire(require.resolve('@eventstore/db-client/package.json'));
export const emptyPb = clientRequire(
  'google-protobuf/google/protobuf/empty_pb.js',
) as typeof import('google-protobuf/google/protobuf/empty_pb.js');

export type BatchAppendReq = InstanceType<typeof streamsPb.BatchAppendReq>;
export type BatchAppendResp = InstanceType<typeof streamsPb.BatchAppendResp>;
export type ReadResp = InstanceType<typeof streamsPb.ReadResp>;

export const MiB = 1024 * 1024;

export interface BoundedStore {
  readonly server: RunningEventStore;
  readonly client: EventStoreDBClient;
  readonly raw: InstanceType<typeof streamsGrpc.StreamsClient>;
}

/** A mem server with the given limits, the official client and a raw Streams client, per test file. */
export function useBoundedStore(limits: Partial<MemoryLimits>): BoundedStore {
  let server: RunningEventStore | undefined;
  let client: EventStoreDBClient | undefined;
  let raw: InstanceType<typeof streamsGrpc.StreamsClient> | undefined;
  beforeAll(async () => {
    server = await startEventStore({ port: 0, mem: true, limits });
    client = EventStoreDBClient.connectionString(server.connectionString);
    raw = new streamsGrpc.StreamsClient(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure(), {
      'grpc.max_send_message_length': -1,
      'grpc.max_receive_message_length': -1,
    });
  });
  afterAll(async () => {
    raw?.close();
    await client?.dispose();
    await server?.close();
  });
  const need = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('server not started');
    return value;
  };
  return {
    get server() {
      return need(server);
    },
    get client() {
      return need(client);
    },
    get raw() {
      return need(raw);
    },
  };
}

export function streamId(name: string): InstanceType<typeof sharedPb.StreamIdentifier> {
  const id = new sharedPb.StreamIdentifier();
  id.setStreamName(Buffer.from(name));
  return id;
}

export function uuid(value: string = randomUUID()): InstanceType<typeof sharedPb.UUID> {
  const u = new sharedPb.UUID();
  u.setString(value);
  return u;
}

/** One BatchAppend chunk with a single event of `bytes` bytes of data. */
export function batchChunk(correlation: string, stream: string | undefined, bytes: number, final: boolean): BatchAppendReq {
  const req = new streamsPb.BatchAppendReq();
  req.setCorrelationId(uuid(correlation));
  if (stream !== undefined) {
    const o = new streamsPb.BatchAppendReq.Options();
    o.setStreamIdentifier(streamId(stream));
    o.setAny(new emptyPb.Empty());
    req.setOptions(o);
  }
  const msg = new streamsPb.BatchAppendReq.ProposedMessage();
  msg.setId(uuid());
  msg.getMetadataMap().set('type', 'Big');
  msg.getMetadataMap().set('content-type', 'application/octet-stream');
  msg.setData(Buffer.alloc(bytes, 7));
  req.addProposedMessages(msg);
  req.setIsFinal(final);
  return req;
}

/** Polls until `condition` holds; fails with `what` after the deadline. Never a fixed sleep. */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  what: string | (() => string),
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
