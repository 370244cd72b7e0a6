import type { RecordedEvent } from '@eventstore/db-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeHolderName, deposit, makePayment, openAccount } from '@/lib/commands';
import { readEventsAt } from '@/lib/eventstore/views/events-at';
import { accountNumberFromStream } from '@/lib/eventstore/serialization/streams';
import { eventLogHref, parseEventLogParams, type EventCursor, type EventFilter } from '@/lib/http/event-log-params';
import { findEvents, getIndexedEvent, getPaymentSides, type IndexedEvent } from '@/lib/queries';
import { eventually, newCommandId, ok, readUserEvents, startTestEnvironment, type TestEnvironment } from './support/environment';

// The event log's searches against real PostgreSQL (the worker's event_index) and the real store.
// What each filter should find is computed from the store's own events (payloads, metadata,
// timestamps), never from the index under test.

let env: TestEnvironment;
/** Every bank event, oldest first, as the store holds it. */
let events: RecordedEvent[];
let ada: string;
let bob: string;
let cy: string;
let rentCommand: string;

beforeAll(async () => {
  env = await startTestEnvironment();
  env.startWorker();
  const { deps } = env;
  ada = ok(await openAccount({ commandId: newCommandId(), holderName: 'Ada Lovelace', openingBalanceCents: 100_00 }, deps)).accountNumber;
  bob = ok(await openAccount({ commandId: newCommandId(), holderName: 'Bob Builder', openingBalanceCents: 50_00 }, deps)).accountNumber;
  cy = ok(await openAccount({ commandId: newCommandId(), holderName: 'Cy Tenant', openingBalanceCents: 0 }, deps)).accountNumber;
  const pay = async (payer: string, payee: string, amountCents: number, reference?: string, commandId: string = newCommandId()) =>
    ok(
      await makePayment(
        { commandId, payerAccountNumber: payer, payeeAccountNumber: payee, amountCents, ...(reference ? { reference } : {}) },
        deps,
      ),
    );
  ok(await deposit({ commandId: newCommandId(), accountNumber: cy, amountCents: 900_00 }, deps));
  rentCommand = newCommandId();
  await pay(cy, ada, 450_00, 'Rent March', rentCommand);
  await pay(ada, bob, 12_34, 'Coffee beans');
  await pay(bob, cy, 5_00);
  ok(await changeHolderName({ commandId: newCommandId(), accountNumber: bob, holderName: 'Robert Builder' }, deps));
  await pay(cy, ada, 450_00, 'rent april');
  await pay(ada, cy, 1_00, '50%_off');
  ok(await deposit({ commandId: newCommandId(), accountNumber: ada, amountCents: 7_00 }, deps));
  await pay(bob, ada, 3_00, 'Lunch with parents');
  ok(await deposit({ commandId: newCommandId(), accountNumber: bob, amountCents: 2_500_00 }, deps));
  await pay(ada, bob, 20_00, 'RENT share');

  events = (await readUserEvents(env.client)).filter((e) => accountNumberFromStream(e.streamId) !== null);
  expect(events).toHaveLength(14);
  await eventually(
    'the worker to index every event',
    async () => (await findEvents({}, {}, { pageSize: 200 }, env.db)).events.length === events.length,
  );
});

afterAll(async () => {
  await env?.stop();
});

// ---- What the store says each filter should match -------------------------------------------------

type Data = Record<string, unknown>;
const data = (e: RecordedEvent) => e.data as Data;
const meta = (e: RecordedEvent) => e.metadata as Data;
const position = (e: RecordedEvent) => e.position!.commit;
const owner = (e: RecordedEvent) => accountNumberFromStream(e.streamId)!;
const payee = (e: RecordedEvent) => (e.type === 'PaymentMade' ? (data(e).payeeAccountNumber as string) : null);
const amount = (e: RecordedEvent): bigint | null => {
  const d = data(e);
  const cents = d.openingBalanceCents ?? d.amountCents;
  return typeof cents === 'number' ? BigInt(cents) : null;
};
const text = (e: RecordedEvent): string | null => {
  if (e.type === 'AccountOpened' || e.type === 'HolderNameChanged') return data(e).holderName as string;
  if (e.type === 'PaymentMade') return (data(e).reference as string | undefined) ?? null;
  return null;
};

function matches(e: RecordedEvent, f: EventFilter): boolean {
  if (f.types && !f.types.includes(e.type)) return false;
  if (f.account && owner(e) !== f.account && payee(e) !== f.account) return false;
  const cents = amount(e);
  if (f.minCents !== undefined && (cents === null || cents < f.minCents)) return false;
  if (f.maxCents !== undefined && (cents === null || cents > f.maxCents)) return false;
  if (f.from && e.created < f.from) return false;
  if (f.until && e.created >= f.until) return false;
  if (f.text !== undefined && !(text(e) ?? '').toLowerCase().includes(f.text.toLowerCase())) return false;
  if (f.command !== undefined && meta(e).commandId !== f.command) return false;
  if (f.correlation !== undefined && meta(e).correlationId !== f.correlation) return false;
  if (f.causation !== undefined && meta(e).causationId !== f.causation) return false;
  return true;
}

/** The matching positions, newest first. */
const expected = (f: EventFilter) =>
  events
    .filter((e) => matches(e, f))
    .map(position)
    .reverse();
const positions = (list: IndexedEvent[]) => list.map((e) => e.position);

/** Walks every page older, then every page back newer, checking the cursors at both ends. */
async function walk(filter: EventFilter, pageSize: number) {
  const older: bigint[] = [];
  let cursor: EventCursor = {};
  const pages = [];
  for (let guard = 0; guard < 50; guard++) {
    const page = await findEvents(filter, cursor, { pageSize }, env.db);
    pages.push(page);
    older.push(...positions(page.events));
    if (page.older === null) break;
    cursor = { before: page.older };
  }
  const last = pages.at(-1)!;
  const newer: bigint[] = [...positions(last.events)];
  cursor = last.newer === null ? {} : { after: last.newer };
  let lastNewer = last;
  while (lastNewer.newer !== null) {
    lastNewer = await findEvents(filter, cursor, { pageSize }, env.db);
    newer.unshift(...positions(lastNewer.events));
    cursor = { after: lastNewer.newer ?? 0n };
  }
  return { older, newer, pages, first: pages[0], top: lastNewer };
}

// ---- The filters ----------------------------------------------------------------------------------

describe('findEvents', () => {
  it('without filters lists every bank event newest first, no command records', async () => {
    const page = await findEvents({}, {}, { pageSize: 100 }, env.db);
    expect(positions(page.events)).toEqual(expected({}));
    expect(page.events.every((e) => e.type !== 'CommandAccepted')).toBe(true);
    expect(page.older).toBeNull();
    expect(page.newer).toBeNull();
  });

  // [what, filter, matches nothing]
  const cases: Array<[string, () => EventFilter, boolean?]> = [
    ['one type', () => ({ types: ['MoneyDeposited'] })],
    ['several types', () => ({ types: ['AccountOpened', 'HolderNameChanged'] })],
    ['a type with no events', () => ({ types: ['SomethingElse'] }), true],
    ['an account, as owner or payee', () => ({ account: ada })],
    ['another account', () => ({ account: cy })],
    ['a minimum amount', () => ({ minCents: 450_00n })],
    ['a maximum amount', () => ({ maxCents: 5_00n })],
    ['an amount range', () => ({ minCents: 3_00n, maxCents: 20_00n })],
    ['text in a holder name', () => ({ text: 'builder' })],
    ['text in references, any case', () => ({ text: 'RENT' })],
    ['text with LIKE wildcards taken literally', () => ({ text: '50%_' })],
    ['a % that would match everything if not escaped', () => ({ text: '%%%' }), true],
    ['a command id', () => ({ command: rentCommand })],
    ['a correlation id', () => ({ correlation: rentCommand })],
    ['a causation id', () => ({ causation: rentCommand })],
    ['account and types', () => ({ account: bob, types: ['PaymentMade', 'HolderNameChanged'] })],
    ['account, type and amount', () => ({ account: ada, types: ['PaymentMade'], minCents: 10_00n })],
    ['type and text', () => ({ types: ['PaymentMade'], text: 'rent' })],
    ['text and amount', () => ({ text: 'rent', maxCents: 100_00n })],
    ['types and text that match nothing together', () => ({ types: ['MoneyDeposited'], text: 'rent' }), true],
  ];

  it.each(cases)('filters by %s', async (_name, filter, none = false) => {
    const f = filter();
    const want = expected(f);
    // The fixture must make each case meaningful: found where expected, and only there.
    if (none) expect(want).toEqual([]);
    else expect(want.length).toBeGreaterThan(0);
    expect(want.length).toBeLessThan(events.length);
    const page = await findEvents(f, {}, { pageSize: 100 }, env.db);
    expect(positions(page.events)).toEqual(want);
  });

  it('filters by date range, inclusive from and exclusive until, to the millisecond', async () => {
    // Boundaries strictly between two events a few milliseconds apart (appends through the
    // handlers take several round trips, so such gaps exist; the test needs at least two).
    const gaps = events.slice(1).flatMap((e, i) => (e.created.getTime() - events[i].created.getTime() >= 2 ? [i + 1] : []));
    expect(gaps.length).toBeGreaterThanOrEqual(2);
    const from = new Date(events[gaps[0]].created.getTime());
    const until = new Date(events[gaps.at(-1)!].created.getTime());
    for (const f of [
      { from },
      { until },
      { from, until },
      { from, until, types: ['PaymentMade'] },
      { from, account: bob },
    ] as EventFilter[]) {
      const want = expected(f);
      expect(want.length).toBeGreaterThan(0);
      expect(want.length).toBeLessThan(events.length);
      expect(positions((await findEvents(f, {}, { pageSize: 100 }, env.db)).events)).toEqual(want);
    }
    expect((await findEvents({ from: new Date(Date.now() + 86_400_000) }, {}, {}, env.db)).events).toEqual([]);
    expect((await findEvents({ until: new Date(0) }, {}, {}, env.db)).events).toEqual([]);
    expect((await findEvents({ from: until, until: from }, {}, {}, env.db)).events).toEqual([]);
  });

  it.each([
    ['no filter', (): EventFilter => ({})],
    ['several types', () => ({ types: ['PaymentMade', 'AccountOpened'] })],
    ['an account', () => ({ account: ada })],
    ['text', () => ({ text: 'ent' })],
    ['account and amount', () => ({ account: bob, minCents: 3_00n })],
  ])('pages older to the end and newer back to the top with %s', async (_name, filter) => {
    const f = filter();
    const want = expected(f);
    expect(want.length).toBeGreaterThan(3);
    for (const pageSize of [1, 2, 3]) {
      const { older, newer, pages, first, top } = await walk(f, pageSize);
      expect(older).toEqual(want);
      expect(newer).toEqual(want);
      expect(pages).toHaveLength(Math.ceil(want.length / pageSize));
      expect(first.newer).toBeNull();
      expect(pages.at(-1)!.older).toBeNull();
      expect(top.newer).toBeNull();
      expect(positions(top.events)).toEqual(want.slice(0, top.events.length));
    }
  });

  it('gives an empty page past either end, and treats a far cursor as the newest page', async () => {
    const all = expected({});
    expect(await findEvents({}, { before: all.at(-1)! }, {}, env.db)).toEqual({ events: [], older: null, newer: null });
    expect(await findEvents({}, { after: all[0] }, {}, env.db)).toEqual({ events: [], older: null, newer: null });
    const far = await findEvents({}, { before: 2n ** 64n - 1n }, { pageSize: 3 }, env.db);
    expect(positions(far.events)).toEqual(all.slice(0, 3));
    expect(far.newer).toBeNull();
    expect(far.older).toBe(all[2]);
  });

  it('reads the URL the page gets: validated parameters give the same events as the filter they describe', async () => {
    const href = eventLogHref({ type: ['PaymentMade'], account: ada, min: '10', q: 'rent' });
    expect(href).toBe(`/events?type=PaymentMade&account=${ada}&min=10&q=rent`);
    const parsed = parseEventLogParams({ type: 'PaymentMade', account: ada, min: '10', q: ' rent ', to: '' });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.params.filter).toEqual({ types: ['PaymentMade'], account: ada, minCents: 10_00n, text: 'rent' });
    const want = expected(parsed.params.filter);
    expect(want.length).toBe(3);
    expect(positions((await findEvents(parsed.params.filter, parsed.params.cursor, {}, env.db)).events)).toEqual(want);

    for (const bad of [
      { account: '123' },
      { min: '1,50' },
      { from: '2026-02-31' },
      { q: 'ab' },
      { before: '1', after: '2' },
      { type: ['Bad Type'] },
    ]) {
      expect(parseEventLogParams(bad).ok, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('the events behind a page', () => {
  it('are read back from the store by position, payload and metadata as stored', async () => {
    const page = await findEvents({ account: cy }, {}, { pageSize: 100 }, env.db);
    const stored = await readEventsAt(env.client, page.events);
    expect(stored.size).toBe(page.events.length);
    for (const row of page.events) {
      const original = events.find((e) => e.id === row.eventId)!;
      const entry = stored.get(row.eventId)!;
      expect(entry).toMatchObject({ position: row.position, streamId: row.stream, revision: row.revision, type: row.type });
      expect(entry.data).toEqual(original.data);
      expect(entry.metadata).toEqual(original.metadata);
    }
  });

  it('an index row whose position the store does not hold is read from its stream, and a vanished one is missing', async () => {
    const [row] = (await findEvents({ types: ['AccountOpened'], account: ada }, {}, {}, env.db)).events;
    const moved = await readEventsAt(env.client, [{ ...row, position: row.position + 1n }]);
    expect(moved.get(row.eventId)?.type).toBe('AccountOpened');
    const gone = await readEventsAt(env.client, [{ ...row, eventId: '00000000-0000-4000-8000-000000000000' }]);
    expect(gone.size).toBe(0);
  });
});

describe('one event and one payment', () => {
  it('finds an event by id with its ids and place in the store', async () => {
    const original = events.find((e) => meta(e).commandId === rentCommand)!;
    const indexed = await getIndexedEvent(original.id, env.db);
    expect(indexed).toMatchObject({
      eventId: original.id,
      position: position(original),
      stream: original.streamId,
      revision: original.revision,
      type: 'PaymentMade',
      accountNumber: cy,
      counterparty: ada,
      amountCents: 450_00n,
      searchText: 'Rent March',
      commandId: rentCommand,
      correlationId: rentCommand,
      causationId: rentCommand,
    });
    expect(await getIndexedEvent('00000000-0000-4000-8000-000000000000', env.db)).toBeNull();
  });

  it('gives both sides of a payment with balances before and after', async () => {
    const rent = events.find((e) => meta(e).commandId === rentCommand)!;
    // Cy: 0 + 900 deposited, then pays 450; Ada: 100 opening, then receives 450.
    expect(await getPaymentSides(rent.id, env.db)).toEqual({
      payer: { accountNumber: cy, kind: 'PaymentMade', amountCents: -450_00n, balanceBeforeCents: 900_00n, balanceAfterCents: 450_00n },
      payee: { accountNumber: ada, kind: 'PaymentReceived', amountCents: 450_00n, balanceBeforeCents: 100_00n, balanceAfterCents: 550_00n },
    });
    const opening = events.find((e) => e.type === 'AccountOpened')!;
    expect(await getPaymentSides(opening.id, env.db)).toEqual({ payer: null, payee: null });
  });
});
