// Starts the embedded EventStoreDB-compatible gRPC server on a store.
import * as grpc from '@grpc/grpc-js';
import { createStore } from './core/store.js';
import type { StartupInfo } from './core/types.js';
import { gossipGrpc, serverFeaturesGrpc } from './grpc/generated.js';
import { gossipImplementation, serverFeaturesImplementation } from './grpc/features.js';
import { streamsImplementation, streamsServiceDefinition } from './grpc/streams.js';
import { createPersistentSubscriptions, type PersistentSubscriptionsService } from './grpc/persistent.js';
import { appendSessionHandler, multiAppendServiceDefinition } from './grpc/multi-append.js';
import { MemoryBudget, resolveMemoryLimits, type BufferedBytes, type MemoryLimits } from './grpc/limits.js';

export interface EventStoreOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Directory of the durable log. Exactly one of dataDir and mem. */
  dataDir?: string;
  /** Keep everything in memory (fast tests). */
  mem?: boolean;
  /** Byte limits on what is held for clients (see grpc/limits.ts and the README); defaults apply to what is left out. */
  limits?: Partial<MemoryLimits>;
}

export interface RunningEventStore {
  /** e.g. esdb://127.0.0.1:2113?tls=false */
  connectionString: string;
  port: number;
  /** Bytes held right now for unfinished appends and for subscribers that have not read yet. */
  bufferedBytes(): BufferedBytes;
  /** How the store opened: from its saved index (reading only the log after it) or from the whole log. */
  startup: StartupInfo;
  close(): Promise<void>;
}

/** 17 MiB: one event may be up to ~16 MiB, and grpc-js servers accept only 4 MiB by default. */
export const MAX_RECEIVE_MESSAGE_LENGTH = 17 * 1024 * 1024;

export function validateOptions(options: EventStoreOptions): void {
  if (options === null || typeof options !== 'object') throw new TypeError('startEventStore needs an options object');
  const { port = 0, host, dataDir, mem } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError(`Invalid port ${String(port)}: an integer from 0 to 65535`);
  if (host !== undefined && (typeof host !== 'string' || host.length === 0)) throw new TypeError('host must be a non-empty string');
  const hasDir = dataDir !== undefined;
  if (hasDir && (typeof dataDir !== 'string' || dataDir.length === 0)) throw new TypeError('dataDir must be a non-empty string');
  if (mem !== undefined && typeof mem !== 'boolean') throw new TypeError('mem must be a boolean');
  if (hasDir === (mem === true)) throw new TypeError('Give exactly one of dataDir or mem: true');
  resolveMemoryLimits(options.limits);
}

export async function startEventStore(options: EventStoreOptions): Promise<RunningEventStore> {
  validateOptions(options);
  const host = options.host ?? '127.0.0.1';
  const budget = new MemoryBudget(resolveMemoryLimits(options.limits));
  const store = await createStore(options.mem ? { mem: true } : { dataDir: options.dataDir! });

  const server = new grpc.Server({
    'grpc.max_receive_message_length': MAX_RECEIVE_MESSAGE_LENGTH,
    'grpc.max_send_message_length': -1,
    // the client pings every 10 s; let it
    'grpc.keepalive_permit_without_calls': 1,
    'grpc-node.max_session_memory': 64,
  });

  let port = 0;
  const advertisedHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  let persistent: PersistentSubscriptionsService;
  try {
    persistent = await createPersistentSubscriptions(store, budget);
  } catch (err) {
    await store.close();
    throw err;
  }
  try {
    server.addService(streamsServiceDefinition, streamsImplementation(store, budget));
    server.addService(serverFeaturesGrpc.ServerFeaturesService as unknown as grpc.ServiceDefinition, serverFeaturesImplementation());
    server.addService(
      gossipGrpc.GossipService as unknown as grpc.ServiceDefinition,
      gossipImplementation(() => ({ host: advertisedHost, port })),
    );
    server.addService(persistent.service, persistent.implementation);
    server.addService(multiAppendServiceDefinition, { appendSession: appendSessionHandler(store, budget) });

    const bindHost = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
    port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`${bindHost}:${options.port ?? 0}`, grpc.ServerCredentials.createInsecure(), (err, bound) =>
        err ? reject(err) : resolve(bound),
      );
    });
  } catch (err) {
    server.forceShutdown();
    await persistent.close().catch(() => {});
    await store.close();
    throw err;
  }

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      // Refuse new calls (GOAWAY to every connection); calls in progress may finish.
      const drained = new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
      // Persistent consumers never end by themselves: drop them now with persistent-subscription-dropped
      // (as RestartSubsystem does, §14.8), flushing checkpoints while the store is still open.
      await persistent.close().catch(() => {});
      // Catch-up subscriptions never end by themselves either: give calls a moment, then cut them.
      let timer: NodeJS.Timeout | undefined;
      const cut = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 500);
      });
      await Promise.race([drained, cut]);
      clearTimeout(timer);
      await store.close();
    })());

  return {
    connectionString: `esdb://${advertisedHost.includes(':') ? `[${advertisedHost}]` : advertisedHost}:${port}?tls=false`,
    port,
    bufferedBytes: () => budget.snapshot(),
    startup: store.startup,
    close,
  };
}
