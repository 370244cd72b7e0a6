import { jsonEvent, type RecordedEvent } from '@eventstore/db-client';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeHolderName, deposit, makePayment, openAccount, type CommandResult } from '@/lib/commands';
import { toEventData } from '@/lib/eventstore/serialization/events';
import { eventIndex } from '@/lib/db/schema';
import { accountNumberFor, eventIdFor } from '@/lib/eventstore/serialization/ids';
import { readStreamEvents } from '@/lib/eventstore/connection/read-stream';
import { accountStream } from '@/lib/eventstore/serialization/streams';
import { getAccount, getStreamHold, waitForAccountRevision } from '@/lib/queries';
import { loadPointEvent, loadTimeTravel, type TimeTravelDeps, type TimeTravelResult } from '@/lib/time-travel/load';
import type { PointSelector } from '@/lib/time-travel/points';
import type { TimeTravelView } from '@/lib/time-travel/view';
import { eventually, newCommandId, startTestEnvironment, type TestEnvironment } from './support/environment';

// Time travel against the real store and PostgreSQL, with the real worker projecting: the own
// stream is replayed from the store, payments received come from the projection's event index.
let env: TestEnvironment;
let deps: TimeTravelDeps;

beforeAll(async () => {
  env = await startTestEnvironment();
  env.startWorker();
  deps = { client: env.client, db: env.db };
});

afterAll(async () => {
  await env?.stop();
});

/** Runs a command and waits until the worker has applied (and so indexed) its event. */
async function projected(result: Promise<CommandResult>): Promise<{ accountNumber: string; revision: bigint; position: bigint }> {
  const done = await result;
  if (!done.ok) throw new Error(done.message);
  expect(await waitForAccountRevision(done.accountNumber, done.streamRevision, { timeoutMs: 15_000 }, env.db)).toBe(true);
  return { accountNumber: done.accountNumber, revision: done.streamRevision, position: done.position };
}

const open = async (holderName: string, openingBalanceCents: number) =>
  (await projected(openAccount({ commandId: newCommandId(), holderName, openingBalanceCents }, env.deps))).accountNumber;
const pay = (payerAccountNumber: string, payeeAccountNumber: string, amountCents: number, reference?: string) =>
  projected(makePayment({ commandId: newCommandId(), payerAccountNumber, payeeAccountNumber, amountCents, reference }, env.deps));

async function found(accountNumber: string, selector: PointSelector, pages?: { own?: number; received?: number }): Promise<TimeTravelView> {
  const result = await loadTimeTravel(accountNumber, selector, deps, pages);
  if (result.kind !== 'found')
    throw new Error(`expected a point, got ${JSON.stringify(result, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`);
  return result.view;
}

describe('time travel', () => {
  // Ada's history, in $all order:
  //   1 opened with $10.00 (@0) · 2 paid Bob $3.00 (@1) · 3 received $0.50 from Bob ·
  //   4 renamed to Ada Lovelace (@2) · 5 received $0.07 from Cy · 6 deposited $0.01 (@3)
  let ada: string;
  let bob: string;
  let cy: string;
  let fromBob: bigint;
  let fromCy: bigint;
  let cyToBob: bigint;

  beforeAll(async () => {
    ada = await open('Ada', 1000);
    bob = await open('Bob', 500);
    cy = await open('Cy', 500);
    await pay(ada, bob, 300);
    fromBob = (await pay(bob, ada, 50, 'Lunch')).position;
    cyToBob = (await pay(cy, bob, 20)).position;
    await projected(changeHolderName({ commandId: newCommandId(), accountNumber: ada, holderName: 'Ada Lovelace' }, env.deps));
    fromCy = (await pay(cy, ada, 7)).position;
    await projected(deposit({ commandId: newCommandId(), accountNumber: ada, amountCents: 1 }, env.deps));
  });

  it('replays the own stream to a revision and adds the payments received before it', async () => {
    const r0 = await found(ada, { by: 'revision', revision: 0n });
    expect(r0.point).toMatchObject({ number: 1, kind: 'own', type: 'AccountOpened', revision: '0', href: `/accounts/${ada}/at/0` });
    expect(r0.state).toEqual({
      holderName: 'Ada',
      balanceCents: '1000',
      deposits: '0',
      paymentsMade: '0',
      paymentsReceived: '0',
      renames: '0',
    });
    expect(r0.total).toBe(6);
    expect(r0.previous).toBeNull();
    expect(r0.next).toMatchObject({ number: 2, type: 'PaymentMade' });

    // The own event it stopped at comes with it, as the replay read it.
    const stopped = await loadTimeTravel(ada, { by: 'revision', revision: 0n }, deps);
    expect(stopped.kind === 'found' && stopped.stored).toMatchObject({ streamId: accountStream(ada), revision: 0n, type: 'AccountOpened' });

    const r2 = await found(ada, { by: 'revision', revision: 2n });
    expect(r2.point).toMatchObject({ number: 4, type: 'HolderNameChanged', detail: 'Ada → Ada Lovelace' });
    expect(r2.state).toEqual({
      holderName: 'Ada Lovelace',
      balanceCents: '750',
      deposits: '0',
      paymentsMade: '1',
      paymentsReceived: '1',
      renames: '1',
    });
    expect(r2.previous).toMatchObject({ number: 3, kind: 'received', counterparty: bob });
    expect(r2.ownRevision).toBe('2');
    expect(r2.lastRevision).toBe('3');

    const r3 = await found(ada, { by: 'revision', revision: 3n });
    expect(r3.state).toMatchObject({ balanceCents: '758', deposits: '1', paymentsReceived: '2' });
    expect(r3.next).toBeNull();
    expect(r3.untilToday).toEqual([]);
  });

  it('diffs each point against the previous one and against today, field by field', async () => {
    const r2 = await found(ada, { by: 'revision', revision: 2n });
    expect(r2.sincePrevious).toEqual([
      { field: 'holderName', from: 'Ada', to: 'Ada Lovelace' },
      { field: 'renames', from: '0', to: '1' },
    ]);
    expect(r2.untilToday).toEqual([
      { field: 'balanceCents', from: '750', to: '758' },
      { field: 'deposits', from: '0', to: '1' },
      { field: 'paymentsReceived', from: '1', to: '2' },
    ]);
    const opening = await found(ada, { by: 'number', number: 1 });
    expect(opening.sincePrevious.map((c) => [c.field, c.from])).toEqual([
      ['holderName', null],
      ['balanceCents', null],
      ['deposits', null],
      ['paymentsMade', null],
      ['paymentsReceived', null],
      ['renames', null],
    ]);
  });

  it("shows a payee's state right after a payment it received, addressed by its position", async () => {
    const view = await found(ada, { by: 'position', position: fromBob });
    expect(view.point).toMatchObject({
      number: 3,
      kind: 'received',
      type: 'PaymentReceived',
      amountCents: '50',
      counterparty: bob,
      detail: 'Lunch',
      stream: accountStream(bob),
      payerHeld: false,
      href: `/accounts/${ada}/at?position=${fromBob}`,
    });
    expect(view.ownRevision).toBe('1');
    expect(view.state).toMatchObject({ holderName: 'Ada', balanceCents: '750', paymentsReceived: '1' });
    expect(view.sincePrevious).toEqual([
      { field: 'balanceCents', from: '700', to: '750' },
      { field: 'paymentsReceived', from: '0', to: '1' },
    ]);
    // The same point by its number (the account page's slider).
    expect(await found(ada, { by: 'number', number: 3 })).toEqual(view);
    // The stored event it stopped at is the payer's PaymentMade, read from the payer's stream.
    const stored = await loadPointEvent({ view, stored: null }, deps);
    expect(stored).toMatchObject({ streamId: accountStream(bob), type: 'PaymentMade' });
    expect(stored!.position!.commit).toBe(fromBob);
  });

  it('picks the last point at or before a moment with asOf', async () => {
    const own = await readStreamEvents(env.client, accountStream(ada));
    const paymentEvents = [
      ...(await readStreamEvents(env.client, accountStream(bob))),
      ...(await readStreamEvents(env.client, accountStream(cy))),
    ].filter((e) => e.position!.commit === fromBob || e.position!.commit === fromCy);
    const points: RecordedEvent[] = [...own, ...paymentEvents].sort((a, b) => (a.position!.commit < b.position!.commit ? -1 : 1));
    expect(points).toHaveLength(6);
    const expectedAt = (moment: Date) => {
      const matching = points.filter((e) => e.created.getTime() <= moment.getTime());
      return matching.at(-1)!.position!.commit.toString();
    };
    for (const [i, point] of points.entries()) {
      const moment = point.created;
      const view = await found(ada, { by: 'asOf', at: moment });
      expect(view.point.position, `asOf the time of point ${i + 1}`).toBe(expectedAt(moment));
    }
    const later = await found(ada, { by: 'asOf', at: new Date('9999-01-01T00:00:00Z') });
    expect(later.point.number).toBe(6);

    const before = await loadTimeTravel(ada, { by: 'asOf', at: new Date(own[0].created.getTime() - 1) }, deps);
    expect(before).toMatchObject({ kind: 'no_such_point', total: 6, openedAt: own[0].created });
  });

  it('says when a point does not exist, and when the account does not', async () => {
    const kind = (result: TimeTravelResult) => result.kind;
    const beyond = await loadTimeTravel(ada, { by: 'revision', revision: 4n }, deps);
    expect(beyond).toMatchObject({ kind: 'no_such_point', lastRevision: 3n, total: 6, last: { number: 6, href: `/accounts/${ada}/at/3` } });
    expect(kind(await loadTimeTravel(ada, { by: 'number', number: 7 }, deps))).toBe('no_such_point');
    // A payment between two other accounts is not a point of Ada's history.
    expect(kind(await loadTimeTravel(ada, { by: 'position', position: cyToBob }, deps))).toBe('no_such_point');
    expect(kind(await loadTimeTravel(accountNumberFor('nobody'), { by: 'latest' }, deps))).toBe('not_found');
  });

  it('gives the same answers when it reads one event and one payment at a time', async () => {
    for (const selector of [
      { by: 'revision', revision: 2n },
      { by: 'position', position: fromCy },
      { by: 'number', number: 1 },
      { by: 'latest' },
    ] satisfies PointSelector[]) {
      expect(await found(ada, selector, { own: 1, received: 1 })).toEqual(await found(ada, selector));
    }
  });
});

describe('time travel and held streams', () => {
  it('counts a payment whose payer stream the projection holds, and says so', async () => {
    const payee = await open('Payee', 0);
    const payer = await open('Held Payer', 1000);
    // An event the projection cannot apply (a deposit to another account) holds the payer's stream;
    const commandId = newCommandId();
    const metadata = { commandId, correlationId: commandId, causationId: commandId };
    await env.client.appendToStream(
      accountStream(payer),
      toEventData({ type: 'MoneyDeposited', data: { accountNumber: payee, amountCents: 1 } }, metadata, eventIdFor(commandId)),
    );
    await eventually('the payer held', () => getStreamHold(payer, env.db));
    // a payment appended after it is in the store and indexed, but not credited by the projection.
    const paymentId = newCommandId();
    const appended = await env.client.appendToStream(
      accountStream(payer),
      toEventData(
        { type: 'PaymentMade', data: { payerAccountNumber: payer, payeeAccountNumber: payee, amountCents: 250 } },
        { commandId: paymentId, correlationId: paymentId, causationId: paymentId },
        eventIdFor(paymentId),
      ),
    );
    const position = appended.position!.commit;
    await eventually(
      'the held payment indexed',
      async () => (await env.db.select().from(eventIndex).where(eq(eventIndex.position, position))).length,
    );

    const view = await found(payee, { by: 'latest' });
    expect(view.point).toMatchObject({ kind: 'received', position: String(position), payerHeld: true });
    expect(view.state).toMatchObject({ balanceCents: '250', paymentsReceived: '1' });
    expect(view.source.heldPayments).toBe(1);
    expect((await getAccount(payee, env.db))?.balanceCents).toBe(0n);
  });

  it("shows an unreadable event of the account's own stream as a point that changes nothing, with the hold", async () => {
    const account = await open('Poisoned', 100);
    await env.client.appendToStream(
      accountStream(account),
      jsonEvent({ type: 'MoneyDeposited', data: { accountNumber: account, amountCents: -5 } }),
    );
    await eventually('the account held', () => getStreamHold(account, env.db));

    const view = await found(account, { by: 'revision', revision: 1n });
    expect(view.point).toMatchObject({ number: 2, type: 'MoneyDeposited', problem: 'unreadable', amountCents: null });
    expect(view.point.detail).toMatch(/Invalid MoneyDeposited payload/);
    expect(view.sincePrevious).toEqual([]);
    expect(view.state).toMatchObject({ balanceCents: '100', deposits: '0' });
    expect(view.source).toMatchObject({ unreadable: 1, accountHold: { revision: '1' } });
  });
});
