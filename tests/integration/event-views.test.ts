import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonEvent, binaryEvent, type EventStoreDBClient } from '@eventstore/db-client';
import { startEventStore } from '@/embedded/src/index';
import type { AccountEvent } from '@/lib/domain';
import { createEventStoreClient } from '@/lib/eventstore/client';
import { readEventLog, type EventLogEntry } from '@/lib/eventstore/event-log';
import { accountNumberFor, eventIdFor } from '@/lib/eventstore/ids';
import { toEventData } from '@/lib/eventstore/serialization';
import { accountStream } from '@/lib/eventstore/streams';

// The event log against the real embedded event store (in memory): it reads the store itself,
// no query model involved. Past states are tested in time-travel.test.ts.
let store: Awaited<ReturnType<typeof startEventStore>>;
let client: EventStoreDBClient;

beforeAll(async () => {
  store = await startEventStore({ port: 0, mem: true });
  client = createEventStoreClient(store.connectionString);
});

afterAll(async () => {
  await client?.dispose().catch(() => {});
  await store?.close();
});

const newAccountNumber = () => accountNumberFor(randomUUID());

async function append(accountNumber: string, event: AccountEvent) {
  const commandId = randomUUID();
  const metadata = { commandId, correlationId: commandId, causationId: commandId };
  const result = await client.appendToStream(accountStream(accountNumber), toEventData(event, metadata, eventIdFor(commandId)));
  return { revision: result.nextExpectedRevision, position: result.position!.commit };
}

const opened = (accountNumber: string, holderName: string, openingBalanceCents: number): AccountEvent => ({
  type: 'AccountOpened',
  data: { accountNumber, holderName, openingBalanceCents },
});
const deposited = (accountNumber: string, amountCents: number): AccountEvent => ({
  type: 'MoneyDeposited',
  data: { accountNumber, amountCents },
});

describe('readEventLog', () => {
  const appended: bigint[] = [];
  let account: string;

  beforeAll(async () => {
    account = newAccountNumber();
    appended.push((await append(account, opened(account, 'Log Reader', 100))).position);
    for (let i = 1; i <= 22; i++) appended.push((await append(account, deposited(account, i))).position);
    // Stream metadata is a $metadata (system) event in $all: hidden from the log. Three in a
    // row, so small read batches meet batches holding nothing but system events.
    for (const maxAge of [86_400, 86_401, 86_402]) await client.setStreamMetadata(accountStream(account), { maxAge });
    // Events of other applications, JSON and binary, still show.
    const other = await client.appendToStream('orders-1', jsonEvent({ type: 'OrderPlaced', data: { sku: 'x', qty: 2 } }));
    appended.push(other.position!.commit);
    const blob = await client.appendToStream('blobs-1', binaryEvent({ type: 'BlobStored', data: new Uint8Array([1, 2, 3]) }));
    appended.push(blob.position!.commit);
  });

  const positions = (entries: EventLogEntry[]) => entries.map((e) => e.position);
  const newestFirst = () => [...appended].reverse();

  it('shows the newest page first, without system events', async () => {
    const page = await readEventLog(client, {}, 10);
    expect(positions(page.entries)).toEqual(newestFirst().slice(0, 10));
    expect(page.entries.some((e) => e.type.startsWith('$'))).toBe(false);
    expect(page.newer).toBeNull();
    expect(page.older).toBe(page.entries[9].position);

    const [blob, order, lastDeposit] = page.entries;
    expect(blob).toMatchObject({ streamId: 'blobs-1', type: 'BlobStored', summary: 'Binary payload, 3 bytes', accountNumber: null });
    expect(blob.data).toBe('<binary, 3 bytes>');
    expect(order).toMatchObject({ streamId: 'orders-1', revision: 0n, data: { sku: 'x', qty: 2 }, summary: 'Fields: sku, qty' });
    expect(lastDeposit).toMatchObject({
      streamId: accountStream(account),
      accountNumber: account,
      revision: 22n,
      type: 'MoneyDeposited',
      summary: 'Deposited $0.22',
      data: { accountNumber: account, amountCents: 22 },
    });
    expect(lastDeposit.metadata).toMatchObject({ commandId: expect.any(String) });
    expect(lastDeposit.created).toBeInstanceOf(Date);
  });

  it.each([200, 2])('pages older with before= and back newer with after=, to both ends (read batch %i)', async (batch) => {
    const read = (cursor: Parameters<typeof readEventLog>[1]) => readEventLog(client, cursor, 10, batch);
    const first = await read({});
    expect(positions(first.entries)).toEqual(newestFirst().slice(0, 10));
    const second = await read({ before: first.older! });
    expect(positions(second.entries)).toEqual(newestFirst().slice(10, 20));
    expect(second.newer).toBe(second.entries[0].position);
    const third = await read({ before: second.older! });
    // The account's opening is the oldest user event; the store's own seed events are hidden.
    expect(positions(third.entries)).toEqual(newestFirst().slice(20));
    expect(third.entries.at(-1)).toMatchObject({ type: 'AccountOpened', summary: 'Opened for Log Reader with $1.00' });
    expect(third.older).toBeNull();

    const backToSecond = await read({ after: third.newer! });
    expect(positions(backToSecond.entries)).toEqual(positions(second.entries));
    const backToFirst = await read({ after: backToSecond.newer! });
    expect(positions(backToFirst.entries)).toEqual(positions(first.entries));
    expect(backToFirst.newer).toBeNull();
  });

  it('treats a cursor past the newest event as the newest page', async () => {
    const page = await readEventLog(client, { before: 2n ** 64n - 1n }, 10);
    expect(positions(page.entries)).toEqual(newestFirst().slice(0, 10));
    expect(page.newer).toBeNull();
  });

  it('gives an empty page past either end', async () => {
    expect(await readEventLog(client, { before: 0n })).toEqual({ entries: [], older: null, newer: null });
    expect(await readEventLog(client, { after: appended.at(-1)! })).toEqual({ entries: [], older: null, newer: null });
  });
});
