// Shared helpers for the client-driven tests: each test file starts its own in-memory server
// on a free port and talks to it only through an official client (client.ts).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { connect, type Client } from './client.js';
import { startEventStore, type RunningEventStore } from '../src/index.js';

export interface TestEventStore {
  readonly server: RunningEventStore;
  readonly client: Client;
}

/** Starts a mem server + client before the file's tests and disposes both afterwards. */
export function useEventStore(): TestEventStore {
  let server: RunningEventStore | undefined;
  let client: Client | undefined;
  beforeAll(async () => {
    server = await startEventStore({ port: 0, mem: true });
    client = connect(server.connectionString);
  });
  afterAll(async () => {
    await client?.dispose();
    await server?.close();
  });
  return {
    get server() {
      if (!server) throw new Error('server not started');
      return server;
    },
    get client() {
      if (!client) throw new Error('client not started');
      return client;
    },
  };
}

/** A stream name no other test uses. */
export const streamName = (prefix = 'test'): string => `${prefix}-${randomUUID()}`;

/** Polls `condition` until it holds or the deadline passes (no sleeps as synchronisation). */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Collects a read into an array (readStream/readAll results are async iterables). */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** Per-call credentials force the unary Append RPC instead of BatchAppend (protocol §2). */
export const FORCE_APPEND = { credentials: { username: 'admin', password: 'changeit' } } as const;
