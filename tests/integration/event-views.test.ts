import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKWARDS, END, jsonEvent, binaryEvent, type EventStoreDBClient } from '@eventstore/db-client';
import { readStreamEvents } from '@/lib/eventstore/connection/read-stream';
import { startEventStore } from '@eventbank/embedded-eventstore';
import type { AccountEvent } from '@/lib/domain';
import { createEventStoreClient } from '@/lib/eventstore/connection/client';
import { readStreamMetadata, readStreamPage, type StreamPage } from '@/lib/eventstore/views/stream-page';
import { accountNumberFor, eventIdFor } from '@/lib/eventstore/serialization/ids';
import { toEventData } from '@/lib/eventstore/serialization/events';
import { accountStream } from '@/lib/eventstore/serialization/streams';

// The store read modules against the real embedded event store (in memory). No query model
// is involved: the stream view reads the store itself. Past states are tested in time-travel.test.ts.
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

describe('readStreamPage', () => {
  let account: string;
  const revisions = (page: StreamPage) => page.entries.map((e) => e.revision);
  const range = (from: number, to: number) => Array.from({ length: from - to + 1 }, (_, i) => BigInt(from - i));

  beforeAll(async () => {
    account = newAccountNumber();
    await append(account, opened(account, 'Stream Reader', 100));
    for (let i = 1; i <= 22; i++) await append(account, deposited(account, i));
    await client.setStreamMetadata(accountStream(account), { maxAge: 86_400, eventbankNote: 'kept' });
    await client.appendToStream('orders-1', jsonEvent({ type: 'OrderPlaced', data: { sku: 'x', qty: 2 } }));
    await client.appendToStream('blobs-1', binaryEvent({ type: 'BlobStored', data: new Uint8Array([1, 2, 3]) }));
  });

  it('shows the newest page first, by revision', async () => {
    const page = await readStreamPage(client, accountStream(account), {}, 10);
    expect(revisions(page)).toEqual(range(22, 13));
    expect(page).toMatchObject({ newer: null, older: 13n, lastRevision: 22n });
    expect(page.entries[0]).toMatchObject({
      streamId: accountStream(account),
      accountNumber: account,
      type: 'MoneyDeposited',
      summary: 'Deposited $0.22',
    });
  });

  it('pages older with before= and back newer with after=, to both ends', async () => {
    const stream = accountStream(account);
    const first = await readStreamPage(client, stream, {}, 10);
    const second = await readStreamPage(client, stream, { before: first.older! }, 10);
    expect(revisions(second)).toEqual(range(12, 3));
    expect(second.newer).toBe(12n);
    const third = await readStreamPage(client, stream, { before: second.older! }, 10);
    expect(revisions(third)).toEqual(range(2, 0));
    expect(third.older).toBeNull();
    const back = await readStreamPage(client, stream, { after: third.newer! }, 10);
    expect(revisions(back)).toEqual(range(12, 3));
    expect(back.older).toBe(3n);
    const top = await readStreamPage(client, stream, { after: back.newer! }, 10);
    expect(revisions(top)).toEqual(range(22, 13));
    expect(top.newer).toBeNull();
  });

  it('gives an empty page past either end, and starts at the last event for a cursor beyond it', async () => {
    const stream = accountStream(account);
    expect((await readStreamPage(client, stream, { before: 0n })).entries).toEqual([]);
    expect((await readStreamPage(client, stream, { after: 22n })).entries).toEqual([]);
    const beyond = await readStreamPage(client, stream, { before: 1_000n }, 5);
    expect(revisions(beyond)).toEqual(range(22, 18));
  });

  it('reads any stream, JSON or binary, and says when one does not exist', async () => {
    expect((await readStreamPage(client, 'orders-1')).entries[0]).toMatchObject({
      type: 'OrderPlaced',
      data: { sku: 'x', qty: 2 },
      accountNumber: null,
    });
    expect((await readStreamPage(client, 'blobs-1')).entries[0]).toMatchObject({
      data: '<binary, 3 bytes>',
      summary: 'Binary payload, 3 bytes',
    });
    expect(await readStreamPage(client, 'no-such-stream')).toEqual({ entries: [], older: null, newer: null, lastRevision: null });
  });

  it("gives the stream's metadata, or none", async () => {
    const [metadataEvent] = await readStreamEvents(client, `$$${accountStream(account)}`, {
      direction: BACKWARDS,
      fromRevision: END,
      maxCount: 1,
    });
    expect(await readStreamMetadata(client, accountStream(account))).toEqual({
      metadata: { maxAge: 86_400, eventbankNote: 'kept' },
      setAtPosition: metadataEvent.position!.commit,
    });
    expect(await readStreamMetadata(client, 'orders-1')).toEqual({ metadata: null, setAtPosition: null });
  });
});
