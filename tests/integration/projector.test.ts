import { asc } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountNumberFor } from '@/lib/eventstore/serialization/ids';
import type { AccountEvent } from '@/lib/domain';
import type { Db } from '@/lib/db/client';
import { accountHistory, accounts, eventIndex, projectionCheckpoint } from '@/lib/db/schema';
import { appendForCommand } from '@/lib/commands/support';
import { fromRecorded } from '@/lib/eventstore/serialization/events';
import { accountStream } from '@/lib/eventstore/serialization/streams';
import type { ProjectedEvent } from '@/lib/projections/accounts';
import { isConcurrencyFailure, isDataError } from '@/lib/db/client';
import { READ_MODEL_SCHEMA } from '@/lib/db/schema';
import { planBatch, type BatchEvent } from '@/lib/projections/batch';
import {
  accountsTouched,
  applyBatch,
  applyEvent,
  planStatement,
  readPlanInputs,
  tablesOf,
  type AppliedOutcome,
  type ApplyOutcome,
} from '@/worker/projector';
import { newCommandId, readUserEvents, startTestEnvironment, type TestEnvironment } from './support/environment';

let env: TestEnvironment;
let events: ProjectedEvent[];

const [A, B, C] = ['a', 'b', 'c'].map((seed) => accountNumberFor(`projector-test-${seed}`));

/** A history with payments in every direction, deposits and renames, appended straight to the store. */
async function writeScenario() {
  const script: Array<[string, AccountEvent]> = [
    [A, { type: 'AccountOpened', data: { accountNumber: A, holderName: 'Ann', openingBalanceCents: 10_000 } }],
    [B, { type: 'AccountOpened', data: { accountNumber: B, holderName: 'Bob', openingBalanceCents: 0 } }],
    [A, { type: 'PaymentMade', data: { payerAccountNumber: A, payeeAccountNumber: B, amountCents: 2_000, reference: 'one' } }],
    [C, { type: 'AccountOpened', data: { accountNumber: C, holderName: 'Cy', openingBalanceCents: 500 } }],
    [B, { type: 'MoneyDeposited', data: { accountNumber: B, amountCents: 300 } }],
    [B, { type: 'PaymentMade', data: { payerAccountNumber: B, payeeAccountNumber: C, amountCents: 1_500 } }],
    [C, { type: 'HolderNameChanged', data: { accountNumber: C, holderName: 'Cyrus', previousHolderName: 'Cy' } }],
    [C, { type: 'PaymentMade', data: { payerAccountNumber: C, payeeAccountNumber: A, amountCents: 1_800 } }],
    [A, { type: 'MoneyDeposited', data: { accountNumber: A, amountCents: 4_294_967_295 } }],
    [A, { type: 'PaymentMade', data: { payerAccountNumber: A, payeeAccountNumber: C, amountCents: 77 } }],
    [B, { type: 'HolderNameChanged', data: { accountNumber: B, holderName: 'Robert', previousHolderName: 'Bob' } }],
    [C, { type: 'PaymentMade', data: { payerAccountNumber: C, payeeAccountNumber: B, amountCents: 5 } }],
  ];
  const revisions = new Map<string, bigint>();
  for (const [account, event] of script) {
    const current = revisions.get(account);
    await appendForCommand(env.client, accountStream(account), newCommandId(), [event], current ?? 'no_stream');
    revisions.set(account, (current ?? -1n) + 1n);
  }
  return (await readUserEvents(env.client)).map((recorded) => {
    const decoded = fromRecorded(recorded);
    if (decoded.kind !== 'account') throw new Error(`unexpected ${decoded.kind} event`);
    return { ...decoded.value, position: decoded.value.position! };
  });
}

/** Everything the read model holds, minus surrogate ids and wall-clock stamps. */
async function dump(db: Db) {
  const accountRows = await db.select().from(accounts).orderBy(asc(accounts.number));
  const historyRows = await db.select().from(accountHistory).orderBy(asc(accountHistory.accountNumber), asc(accountHistory.position));
  const checkpoint = (await db.select().from(projectionCheckpoint)).map(({ updatedAt: _u, ...row }) => row);
  const index = await db.select().from(eventIndex).orderBy(asc(eventIndex.position));
  return { accountRows, historyRows, checkpoint, index };
}

/** Delivers events in the given order; an 'ahead' event goes to the back of the queue, like a nack/retry. */
async function deliver(db: Db, order: ProjectedEvent[]) {
  const outcomes: ApplyOutcome[] = [];
  const queue = [...order];
  let guard = 0;
  while (queue.length > 0) {
    if (++guard > 10_000) throw new Error('delivery never converged');
    const next = queue.shift()!;
    const outcome = await applyEvent(db, next);
    outcomes.push(outcome);
    if (outcome === 'ahead') queue.push(next);
  }
  return outcomes;
}

// Small seeded PRNG so a failing order can be reproduced.
function shuffled<T>(items: T[], seed: number): T[] {
  let state = seed;
  const random = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

beforeAll(async () => {
  env = await startTestEnvironment();
  events = await writeScenario();
});

afterAll(async () => {
  await env?.stop();
});

describe('projection I/O layer', () => {
  it('in order, projects balances, revisions and a running history for both sides of payments', async () => {
    const { db } = await env.createDatabase();
    expect(await deliver(db, events)).toEqual(events.map(() => 'applied'));
    const { accountRows, historyRows, checkpoint } = await dump(db);
    const byNumber = Object.fromEntries(accountRows.map((r) => [r.number, r]));
    expect(byNumber[A]).toMatchObject({ holderName: 'Ann', balance: 10_000n - 2_000n + 1_800n + 4_294_967_295n - 77n, revision: 3n });
    expect(byNumber[B]).toMatchObject({ holderName: 'Robert', balance: 2_000n + 300n - 1_500n + 5n, revision: 3n });
    expect(byNumber[C]).toMatchObject({ holderName: 'Cyrus', balance: 500n + 1_500n - 1_800n + 77n - 5n, revision: 3n });
    expect(historyRows.filter((h) => h.accountNumber === B).map((h) => [h.kind, h.amount, h.balanceAfter])).toEqual([
      ['AccountOpened', 0n, 0n],
      ['PaymentReceived', 2_000n, 2_000n],
      ['MoneyDeposited', 300n, 2_300n],
      ['PaymentMade', -1_500n, 800n],
      ['HolderNameChanged', 0n, 800n],
      ['PaymentReceived', 5n, 805n],
    ]);
    expect(historyRows.find((h) => h.kind === 'PaymentMade' && h.accountNumber === A)).toMatchObject({
      counterparty: B,
      data: { payerAccountNumber: A, payeeAccountNumber: B, amountCents: 2_000, reference: 'one' },
      metadata: expect.objectContaining({ commandId: expect.any(String) }),
    });
    expect(checkpoint).toEqual([{ projection: 'accounts', position: events.at(-1)!.position, eventsApplied: events.length }]);
  });

  it('gives the same read model for duplicated and reordered delivery', { timeout: 120_000 }, async () => {
    const { db: reference } = await env.createDatabase();
    await deliver(reference, events);
    const expected = await dump(reference);

    for (const seed of [1, 7, 42]) {
      const { db } = await env.createDatabase();
      const withDuplicates = shuffled([...events, ...events, ...events.filter((_, i) => i % 3 === 0)], seed);
      const outcomes = await deliver(db, withDuplicates);
      expect(outcomes.filter((o) => o === 'applied')).toHaveLength(events.length);
      expect(outcomes.filter((o) => o === 'duplicate').length).toBeGreaterThanOrEqual(events.length);
      expect(await dump(db)).toEqual(expected);
    }
  });

  it('applies an event delivered twice at the same moment exactly once', { timeout: 120_000 }, async () => {
    const { db } = await env.createDatabase();
    for (const event of events) {
      const outcomes = await Promise.all([applyEvent(db, event), applyEvent(db, event), applyEvent(db, event)]);
      expect(outcomes.sort()).toEqual(['applied', 'duplicate', 'duplicate']);
    }
    const { db: reference } = await env.createDatabase();
    await deliver(reference, events);
    expect(await dump(db)).toEqual(await dump(reference));
  });

  it('two writers that planned from one read, crediting one payee: the second write fails as a whole, no credit is lost', async () => {
    const { db } = await env.createDatabase();
    await deliver(db, events.slice(0, -1));
    // The scenario's last event (C pays B 5) and a made-up next payment of A's to B, each a batch
    // of its own, as two workers of one group would get them. A credit leaves B's revision alone.
    const cPaysB = events.at(-1)!;
    const aPaysB: ProjectedEvent = {
      ...cPaysB,
      id: '0b7c3f5e-2a41-4d7b-9c1e-5f6a7b8c9d0e',
      streamId: accountStream(A),
      revision: 4n,
      position: cPaysB.position + 1_000n,
      event: { type: 'PaymentMade', data: { payerAccountNumber: A, payeeAccountNumber: B, amountCents: 40 } },
    };
    const [first, second]: BatchEvent[][] = [[{ kind: 'account', projected: cPaysB }], [{ kind: 'account', projected: aPaysB }]];
    const tables = tablesOf(READ_MODEL_SCHEMA);
    const read = await readPlanInputs(db, tables, accountsTouched([...first, ...second]));
    const balanceBefore = read.rows.get(B)!.balance;
    await db.execute(planStatement(tables, planBatch({ events: first, ...read })));
    const failed = await db.execute(planStatement(tables, planBatch({ events: second, ...read }))).then(
      () => null,
      (error: unknown) => error,
    );
    expect(isConcurrencyFailure(failed)).toBe(true);
    // Nothing of the failed batch was written; planned again, it applies on the first one's rows.
    expect((await dump(db)).index.map((e) => e.eventId)).not.toContain(aPaysB.id);
    expect([...(await applyBatch(db, second)).values()]).toEqual(['apply']);
    const rows = (await dump(db)).accountRows;
    expect(rows.find((r) => r.number === B)!.balance).toBe(balanceBefore + 5n + 40n);
    expect(rows.find((r) => r.number === A)!.revision).toBe(4n);
  });

  it('writes rows known to be new as plain inserts: one there after all fails the statement, where by default it is skipped', async () => {
    const { db } = await env.createDatabase();
    await deliver(db, events.slice(0, -1));
    const batch: BatchEvent[] = [{ kind: 'account', projected: events.at(-1)! }];
    const tables = tablesOf(READ_MODEL_SCHEMA);
    const plan = planBatch({ events: batch, ...(await readPlanInputs(db, tables, accountsTouched(batch))) });
    expect(plan.history.length).toBeGreaterThan(0);
    await applyBatch(db, batch);
    const applied = await dump(db);
    // Its timeline and index rows once more, without the account rows (whose guard would refuse them first).
    const rowsOnly = { ...plan, inserts: [], updates: [] };
    await db.execute(planStatement(tables, rowsOnly));
    const skipped = await dump(db);
    expect([skipped.historyRows, skipped.index]).toEqual([applied.historyRows, applied.index]);
    const refused = await db.execute(planStatement(tables, rowsOnly, { rowsAreNew: true })).then(
      () => null,
      (error: unknown) => error,
    );
    expect(isDataError(refused)).toBe(true);
    expect(await dump(db)).toEqual(skipped);
  });

  it('gives the same read model when events arrive in batches, shuffled and repeated', { timeout: 120_000 }, async () => {
    const { db: reference } = await env.createDatabase();
    await deliver(reference, events);
    const expected = await dump(reference);

    for (const seed of [3, 11, 2026]) {
      const { db } = await env.createDatabase();
      let queue = shuffled([...events, ...events.filter((_, i) => i % 2 === 0)], seed);
      const counts = new Map<AppliedOutcome, number>();
      for (let round = 0, size = 1 + (seed % 5); queue.length > 0; round++) {
        if (round > 1_000) throw new Error('batches never converged');
        const batch = queue.slice(0, size);
        const outcomes = await applyBatch(
          db,
          batch.map((projected) => ({ kind: 'account' as const, projected })),
        );
        // What a batch could not apply yet (ahead of a predecessor, or paying a payee not opened
        // yet: the worker holds and later resumes those) is delivered again later.
        const retry = batch.filter((e) => outcomes.get(e.id) === 'ahead' || outcomes.get(e.id) === 'payee-missing');
        for (const outcome of outcomes.values()) counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
        queue = [...queue.slice(size), ...retry];
        size = 1 + ((size * 7 + seed) % 9);
      }
      expect(counts.get('apply')).toBe(events.length);
      expect(await dump(db)).toEqual(expected);
    }
  });

  it('indexes every applied event with the accounts, amount, text and ids it carries', async () => {
    const { db } = await env.createDatabase();
    await applyBatch(
      db,
      events.map((projected) => ({ kind: 'account' as const, projected })),
    );
    const { index } = await dump(db);
    expect(index.map((e) => e.position)).toEqual(events.map((e) => e.position));
    const payment = index.find((e) => e.type === 'PaymentMade' && e.accountNumber === A && e.counterparty === B);
    expect(payment).toMatchObject({ amount: 2_000n, searchText: 'one', stream: accountStream(A), revision: 1n });
    expect(payment?.commandId).toMatch(/^[0-9a-f-]{36}$/);
    expect(index.find((e) => e.type === 'HolderNameChanged' && e.accountNumber === C)).toMatchObject({ searchText: 'Cyrus', amount: null });
  });

  it('applies an event whose metadata ids are long and hostile (cut at 200 characters inside an emoji, U+0000)', async () => {
    const { db } = await env.createDatabase();
    const long = `${'x'.repeat(199)}😀 and more`;
    const opening = { ...events[0]!, rawMetadata: { commandId: long, correlationId: 'nul\u0000', causationId: long } };
    expect(await applyEvent(db, opening)).toBe('applied');
    const { index, historyRows } = await dump(db);
    expect(index[0]).toMatchObject({ commandId: `${'x'.repeat(199)}\ufffd`, correlationId: 'nul\ufffd' });
    expect(historyRows[0]?.metadata).toEqual({ commandId: long, correlationId: 'nul\ufffd', causationId: long });
  });
});
