// Data written through the client survives a server restart on the same data directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EventStoreDBClient, jsonEvent, NO_STREAM, START } from '@eventstore/db-client';
import { startEventStore } from '../src/index.js';
import { collect } from './support.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'embedded-es-restart-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function withServer<T>(fn: (client: EventStoreDBClient) => Promise<T>): Promise<T> {
  const server = await startEventStore({ port: 0, dataDir });
  const client = EventStoreDBClient.connectionString(server.connectionString);
  try {
    return await fn(client);
  } finally {
    await client.dispose();
    await server.close();
  }
}

describe('restart on a data directory', () => {
  it('keeps events, positions, metadata and deletions', async () => {
    const before = await withServer(async (client) => {
      await client.appendToStream(
        'acct-1',
        [jsonEvent({ type: 'Opened', data: { n: 0 } }), jsonEvent({ type: 'Deposited', data: { n: 1 } })],
        { expectedRevision: NO_STREAM },
      );
      await client.setStreamMetadata('acct-1', { custom: 'kept' } as never);
      await client.appendToStream('gone', jsonEvent({ type: 'X', data: {} }));
      await client.tombstoneStream('gone');
      return collect(client.readAll({ fromPosition: START }));
    });

    await withServer(async (client) => {
      const events = await collect(client.readStream('acct-1'));
      expect(events.map((e) => e.event!.type)).toEqual(['Opened', 'Deposited']);
      expect((await client.getStreamMetadata('acct-1')).metadata).toEqual({ custom: 'kept' });
      await expect(client.appendToStream('gone', jsonEvent({ type: 'X', data: {} }))).rejects.toThrow();
      const after = await collect(client.readAll({ fromPosition: START }));
      expect(after.map((e) => [e.event!.id, e.event!.position.commit])).toEqual(before.map((e) => [e.event!.id, e.event!.position.commit]));
      // numbering continues and new positions come after the old ones
      const next = await client.appendToStream('acct-1', jsonEvent({ type: 'Withdrawn', data: { n: 2 } }), { expectedRevision: 1n });
      expect(next.nextExpectedRevision).toBe(2n);
      expect(next.position!.commit).toBeGreaterThan(before[before.length - 1].event!.position.commit);
    });
  });
});
