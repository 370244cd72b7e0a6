// startEventStore: option validation, free ports, and a clean close with open subscriptions.
import { describe, expect, it } from 'vitest';
import { EventStoreDBClient, jsonEvent, START } from '@eventstore/db-client';
import { startEventStore } from '../src/index.js';
import { waitFor } from './support.js';

describe('startEventStore', () => {
  it.each([
    [{}, /exactly one of dataDir or mem/],
    [{ mem: true, dataDir: '/tmp/x' }, /exactly one of dataDir or mem/],
    [{ mem: true, port: -1 }, /Invalid port/],
    [{ mem: true, port: 70000 }, /Invalid port/],
    [{ mem: true, port: 1.5 }, /Invalid port/],
    [{ dataDir: '' }, /dataDir must be a non-empty string/],
    [{ mem: true, host: '' }, /host must be a non-empty string/],
  ])('refuses %j', async (options, message) => {
    await expect(startEventStore(options as never)).rejects.toThrow(message);
  });

  it('runs two servers side by side on free ports and closes with a live subscription open', async () => {
    const a = await startEventStore({ port: 0, mem: true });
    const b = await startEventStore({ port: 0, mem: true });
    expect(a.port).toBeGreaterThan(0);
    expect(a.port).not.toBe(b.port);
    expect(a.connectionString).toBe(`esdb://127.0.0.1:${a.port}?tls=false`);
    const client = EventStoreDBClient.connectionString(a.connectionString);
    await client.appendToStream('s', jsonEvent({ type: 'T', data: {} }));
    const sub = client.subscribeToAll({ fromPosition: START });
    let caughtUp = false;
    sub.on('caughtUp', () => (caughtUp = true));
    sub.on('error', () => {});
    (async () => {
      for await (const _ of sub) void _;
    })().catch(() => {});
    await waitFor(() => caughtUp, 'caught up');
    await a.close();
    await a.close(); // idempotent
    await b.close();
    await client.dispose();
  });
});
