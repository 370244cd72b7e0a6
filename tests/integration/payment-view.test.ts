import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePayment } from '@/lib/commands';
import { readPaymentView, type PaymentView } from '@/lib/commands/payment-view';
import { DatabaseUnavailableError, type Db } from '@/lib/db/client';
import { waitForAccountRevision } from '@/lib/queries';
import { accountEventIdFor } from '@/lib/eventstore/serialization/ids';
import { commandFingerprint } from '@/lib/eventstore/write-model/command-registry';
import { newCommandId, openProjectedAccount, startTestEnvironment, type TestEnvironment } from './support/environment';

let env: TestEnvironment;

beforeAll(async () => {
  env = await startTestEnvironment();
  env.startWorker();
});

afterAll(async () => {
  await env?.stop();
});

const open = (holderName: string, openingBalanceCents: number) => openProjectedAccount(env.deps, holderName, openingBalanceCents);

/** The same client, counting the statements sent through it. */
function countingDb(db: Db): { db: Db; statements: () => number } {
  let statements = 0;
  const counted = new Proxy(db, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (key !== 'execute' || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        statements += 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { db: counted, statements: () => statements };
}

describe('payment views (the read-model decision’s reads)', () => {
  it('reads many at once in a few statements, each view its own payer’s, payee’s and event’s', { timeout: 60_000 }, async () => {
    const payer = await open('View payer', 5_000);
    const payee = await open('View payee', 0);
    const commandId = newCommandId();
    const payment = { payerAccountNumber: payer, payeeAccountNumber: payee, amountCents: 1_200 };
    const paid = await makePayment({ commandId, ...payment }, env.deps);
    if (!paid.ok) throw new Error(paid.message);
    expect(await waitForAccountRevision(payer, paid.streamRevision, { timeoutMs: 15_000 }, env.db)).toBe(true);
    const paidEventId = accountEventIdFor(commandId, 'MakePayment', commandFingerprint('MakePayment', payment));
    const missing = '0000000000';
    const otherEvent = accountEventIdFor(newCommandId(), 'MakePayment', 'ab'.repeat(32));

    const expected: Array<{ args: [string, string, string | null]; view: PaymentView }> = [
      {
        args: [payer, payee, paidEventId],
        view: {
          payerRow: { balanceCents: 3_800n, revision: paid.streamRevision },
          applied: { revision: paid.streamRevision, position: paid.position },
          payeeProjected: true,
        },
      },
      {
        args: [payer, payee, otherEvent],
        view: { payerRow: { balanceCents: 3_800n, revision: paid.streamRevision }, applied: null, payeeProjected: true },
      },
      {
        args: [payer, missing, null],
        view: { payerRow: { balanceCents: 3_800n, revision: paid.streamRevision }, applied: null, payeeProjected: false },
      },
      {
        args: [payee, payer, otherEvent],
        view: { payerRow: { balanceCents: 1_200n, revision: 0n }, applied: null, payeeProjected: true },
      },
      { args: [missing, payee, null], view: { payerRow: null, applied: null, payeeProjected: true } },
    ];
    const { db, statements } = countingDb(env.db);
    const reads = Array.from({ length: 100 }, (_, i) => expected[i % expected.length]!);
    const views = await Promise.all(reads.map(({ args }) => readPaymentView(db, ...args)));
    expect(views).toEqual(reads.map(({ view }) => view));
    // Asked in one turn of the event loop: batches of at most 64, not a statement per read.
    expect(statements()).toBe(2);

    // One at a time, each is a statement of its own and reads the same.
    for (const { args, view } of expected) expect(await readPaymentView(db, ...args)).toEqual(view);
    expect(statements()).toBe(2 + expected.length);
  });

  it('a statement that fails fails every read in it, and the next reads go on', { timeout: 60_000 }, async () => {
    const payer = await open('View failing', 100);
    const { db } = countingDb(env.db);
    const reads = [readPaymentView(db, payer, payer, null), readPaymentView(db, payer, payer, 'not a uuid')];
    const settled = await Promise.allSettled(reads);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    expect((await readPaymentView(db, payer, payer, null)).payerRow?.balanceCents).toBe(100n);
  });

  it('a read still waiting at its deadline fails as unavailable and is never sent', { timeout: 60_000 }, async () => {
    const payer = await open('View stalled', 100);
    // PostgreSQL "stalls": statements wait on a gate before they reach it.
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const { db: counted, statements } = countingDb(env.db);
    const stalled = new Proxy(counted, {
      get(target, key, receiver) {
        const value: unknown = Reflect.get(target, key, receiver);
        if (key !== 'execute' || typeof value !== 'function') return value;
        return (...args: unknown[]) => gate.then(() => (value as (...a: unknown[]) => unknown).apply(target, args));
      },
    });
    const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
    // Two statements out (the most at once), then a third read that has to wait for one.
    const first = readPaymentView(stalled, payer, payer, null, 30_000);
    await nextTurn();
    const second = readPaymentView(stalled, payer, payer, null, 30_000);
    await nextTurn();
    const third = readPaymentView(stalled, payer, payer, null, 50);
    await expect(third).rejects.toBeInstanceOf(DatabaseUnavailableError);
    openGate();
    expect((await first).payerRow?.balanceCents).toBe(100n);
    expect((await second).payerRow?.balanceCents).toBe(100n);
    // A read sent now is the third statement: the one that gave up was never sent.
    expect((await readPaymentView(stalled, payer, payer, null)).payerRow?.balanceCents).toBe(100n);
    expect(statements()).toBe(3);
  });
});
