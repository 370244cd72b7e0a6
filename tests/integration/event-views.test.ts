import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKWARDS, END, jsonEvent, binaryEvent, type EventStoreDBClient } from '@eventstore/db-client';
import { readStreamEvents } from '@/lib/eventstore/read-stream';
import { startEventStore } from '@eventbank/embedded-eventstore';
import type { AccountEvent } from '@/lib/domain';
import { loadAccountAtRevision } from '@/lib/eventstore/account-at-revision';
import { createEventStoreClient } from '@/lib/eventstore/client';
import { readStreamMetadata, readStreamPage, type StreamPage } from '@/lib/eventstore/stream-page';
import { accountNumberFor, eventIdFor } from '@/lib/eventstore/ids';
import { toEventData } from '@/lib/eventstore/serialization';
import { accountStream } from '@/lib/eventstore/streams';

// The store read modules against the real embedded event store (in memory). No query model
// is involved: the stream view and past states read the store itself.
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
const paid = (payer: string, payee: string, amountCents: number): AccountEvent => ({
  type: 'PaymentMade',
  data: { payerAccountNumber: payer, payeeAccountNumber: payee, amountCents },
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
    expect(page.entries[0]).toMatchObject({ streamId: accountStream(account), accountNumber: account, type: 'MoneyDeposited', summary: 'Deposited $0.22' });
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
    expect((await readStreamPage(client, 'orders-1')).entries[0]).toMatchObject({ type: 'OrderPlaced', data: { sku: 'x', qty: 2 }, accountNumber: null });
    expect((await readStreamPage(client, 'blobs-1')).entries[0]).toMatchObject({ data: '<binary, 3 bytes>', summary: 'Binary payload, 3 bytes' });
    expect(await readStreamPage(client, 'no-such-stream')).toEqual({ entries: [], older: null, newer: null, lastRevision: null });
  });

  it("gives the stream's metadata, or none", async () => {
    const [metadataEvent] = await readStreamEvents(client, `$$${accountStream(account)}`, { direction: BACKWARDS, fromRevision: END, maxCount: 1 });
    expect(await readStreamMetadata(client, accountStream(account))).toEqual({
      metadata: { maxAge: 86_400, eventbankNote: 'kept' },
      setAtPosition: metadataEvent.position!.commit,
    });
    expect(await readStreamMetadata(client, 'orders-1')).toEqual({ metadata: null, setAtPosition: null });
  });
});

describe('loadAccountAtRevision', () => {
  it.each([500, 2])('folds the own stream up to the revision and adds payments received up to that point (scan batch %i)', async (scanBatch) => {
    const ada = newAccountNumber();
    const bob = newAccountNumber();
    const cy = newAccountNumber();
    await append(ada, opened(ada, 'Ada', 1000)); // ada@0
    await append(bob, opened(bob, 'Bob', 500));
    await append(cy, opened(cy, 'Cy', 500));
    await append(ada, paid(ada, bob, 300)); // ada@1
    await append(bob, paid(bob, ada, 50)); // received by ada between @1 and @2
    await append(cy, paid(cy, bob, 20)); // someone else's payment: not ada's
    await append(ada, {
      type: 'HolderNameChanged',
      data: { accountNumber: ada, holderName: 'Ada Lovelace', previousHolderName: 'Ada' },
    }); // ada@2
    await append(cy, paid(cy, ada, 7)); // after ada@2: not in any past state below
    await append(ada, deposited(ada, 1)); // ada@3

    const at = async (revision: bigint) => {
      const result = await loadAccountAtRevision(client, ada, revision, { scanBatch });
      if (result.kind !== 'found') throw new Error(`expected found, got ${result.kind}`);
      return result;
    };

    const r0 = await at(0n);
    expect(r0.state).toEqual({ status: 'open', accountNumber: ada, holderName: 'Ada', balanceCents: 1000n });
    expect(r0.stoppedAt).toMatchObject({ type: 'AccountOpened', revision: 0n, streamId: accountStream(ada) });
    expect(r0.lastRevision).toBe(3n);
    expect(r0.paymentsReceived).toBe(0);

    const r1 = await at(1n);
    expect(r1.state).toMatchObject({ holderName: 'Ada', balanceCents: 700n });
    expect(r1.stoppedAt).toMatchObject({ type: 'PaymentMade', revision: 1n });

    const r2 = await at(2n);
    expect(r2.state).toMatchObject({ holderName: 'Ada Lovelace', balanceCents: 750n });
    expect(r2.paymentsReceived).toBe(1);

    const r3 = await at(3n);
    expect(r3.state).toMatchObject({ holderName: 'Ada Lovelace', balanceCents: 758n });
    expect(r3.paymentsReceived).toBe(2);
  });

  it('says when the revision is past the end or the account does not exist', async () => {
    const ada = newAccountNumber();
    await append(ada, opened(ada, 'Ada', 1));
    expect(await loadAccountAtRevision(client, ada, 1n)).toEqual({ kind: 'beyond_end', lastRevision: 0n });
    expect(await loadAccountAtRevision(client, ada, 2n ** 63n)).toEqual({ kind: 'beyond_end', lastRevision: 0n });
    expect(await loadAccountAtRevision(client, newAccountNumber(), 0n)).toEqual({ kind: 'not_found' });
  });
});
