import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deposit, makePayment, openAccount, type CommandResult } from '@/lib/commands';
import { getAccount, listAccounts, waitForAccountRevision } from '@/lib/queries';
import { accountStream } from '@/lib/eventstore/serialization/streams';
import type { ProjectionWorker } from '@/worker/subscription';
import type { CommandDeps } from '@/lib/commands';
import { PayerStateCache } from '@/lib/eventstore/write-model/payer-state-cache';
import {
  eventually,
  newCommandId,
  openProjectedAccount,
  readUserEvents,
  startTestEnvironment,
  type TestEnvironment,
} from './support/environment';

let env: TestEnvironment;
let worker: ProjectionWorker;

beforeAll(async () => {
  env = await startTestEnvironment();
  env.deps.catchUpTimeoutMs = 30_000;
  worker = env.startWorker();
});

afterAll(async () => {
  await env?.stop();
});

const open = (holderName: string, openingBalanceCents: number) => openProjectedAccount(env.deps, holderName, openingBalanceCents);

const tally = (results: CommandResult[]) => ({
  ok: results.filter((r) => r.ok).length,
  insufficient: results.filter((r) => !r.ok && r.code === 'insufficient_funds').length,
  conflict: results.filter((r) => !r.ok && r.code === 'conflict').length,
  other: results.filter((r) => !r.ok && !['insufficient_funds', 'conflict'].includes(r.code)),
});

async function paymentsInStore(payer: string) {
  return (await readUserEvents(env.client)).filter((e) => e.streamId === accountStream(payer) && e.type === 'PaymentMade');
}

async function totalBalance(): Promise<bigint> {
  return (await listAccounts(env.db)).reduce((sum, a) => sum + a.balanceCents, 0n);
}

async function settled(payer: string) {
  const last = (await readUserEvents(env.client)).filter((e) => e.streamId === accountStream(payer)).at(-1)!;
  expect(await waitForAccountRevision(payer, last.revision, { timeoutMs: 15_000 }, env.db)).toBe(true);
}

// These tests run many commands against one worker; give them room on a busy machine.
const SLOW = { timeout: 120_000 };

// The same bank against both decision sources of MakePayment (see lib/commands/make-payment.ts).
describe.each(['read-model', 'event-store'] as const)('concurrent payments from one account (%s source)', (decisionSource) => {
  let deps: CommandDeps;
  beforeAll(() => {
    deps = { ...env.deps, decisionSource, payerCache: new PayerStateCache() };
  });

  it('never overdraw it and conserve the total', SLOW, async () => {
    const payer = await open('Payer', 10_000);
    const payees = [await open('P1', 0), await open('P2', 0), await open('P3', 0)];
    const totalBefore = await totalBalance();

    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        makePayment(
          { commandId: newCommandId(), payerAccountNumber: payer, payeeAccountNumber: payees[i % 3], amountCents: 700 },
          env.deps,
        ),
      ),
    );
    const t = tally(results);
    expect(t.other).toEqual([]);
    await settled(payer);

    const stored = await paymentsInStore(payer);
    expect(stored).toHaveLength(t.ok);
    const payerRow = await getAccount(payer, env.db);
    expect(payerRow!.balanceCents).toBe(10_000n - 700n * BigInt(t.ok));
    expect(payerRow!.balanceCents).toBeGreaterThanOrEqual(0n);
    expect(await totalBalance()).toBe(totalBefore);
    expect(t.ok).toBeGreaterThan(0);
    expect(t.insufficient).toBeGreaterThan(0);
    // 40 x 7.00 asks for 280.00 of 100.00: without conflicts exactly 14 fit.
    if (t.conflict === 0) expect(t.ok).toBe(14);
  });

  it('random payments between hot accounts, each submitted twice, land exactly once and conserve money', SLOW, async () => {
    const ring = [await open('H1', 2_000), await open('H2', 2_000), await open('H3', 2_000), await open('H4', 2_000)];
    const totalBefore = await totalBalance();
    const commands = Array.from({ length: 30 }, () => {
      const from = Math.floor(Math.random() * ring.length);
      const to = (from + 1 + Math.floor(Math.random() * (ring.length - 1))) % ring.length;
      return {
        commandId: newCommandId(),
        payerAccountNumber: ring[from],
        payeeAccountNumber: ring[to],
        amountCents: 100 + Math.floor(Math.random() * 900),
      };
    });
    // Every form submitted twice at once, as a double click would.
    const results = await Promise.all(commands.flatMap((command) => [makePayment(command, deps), makePayment(command, deps)]));
    expect(tally(results).other).toEqual([]);
    for (const account of ring) await settled(account);

    const stored = (await readUserEvents(env.client)).filter(
      (e) => e.type === 'PaymentMade' && ring.some((a) => e.streamId === accountStream(a)),
    );
    const storedIds = stored.map((e) => (e.metadata as { commandId: string }).commandId);
    expect(new Set(storedIds).size).toBe(storedIds.length); // no command paid twice
    for (const [i, command] of commands.entries()) {
      const [a, b] = [results[2 * i], results[2 * i + 1]];
      if (a.ok && b.ok) expect(b).toEqual(a);
      expect(storedIds.includes(command.commandId)).toBe(a.ok || b.ok);
    }
    for (const account of ring) expect((await getAccount(account, env.db))!.balanceCents).toBeGreaterThanOrEqual(0n);
    expect(await totalBalance()).toBe(totalBefore);
  });

  it('stay safe while the projection lags behind the store', SLOW, async () => {
    const payer = await open('Lagging payer', 5_000);
    const payee = await open('Payee', 0);
    await worker.stop();

    const pending = Promise.all(
      Array.from({ length: 12 }, () =>
        makePayment({ commandId: newCommandId(), payerAccountNumber: payer, payeeAccountNumber: payee, amountCents: 1_000 }, deps),
      ),
    );
    if (decisionSource === 'read-model') {
      // One payment lands on the stale model's revision; all the others must now wait for the worker.
      await eventually('a first payment in the store', async () => (await paymentsInStore(payer)).length >= 1);
      expect(await paymentsInStore(payer)).toHaveLength(1);
    } else {
      // The store is the decision source: payments go on without the worker, and still never overdraw.
      const done = tally(await pending);
      expect(done.other).toEqual([]);
      expect(done.ok).toBeGreaterThan(0);
      expect(await paymentsInStore(payer)).toHaveLength(done.ok);
    }
    worker = env.startWorker();

    const t = tally(await pending);
    expect(t.other).toEqual([]);
    await settled(payer);
    expect(await paymentsInStore(payer)).toHaveLength(t.ok);
    expect(t.ok).toBeLessThanOrEqual(5);
    expect((await getAccount(payer, env.db))!.balanceCents).toBe(5_000n - 1_000n * BigInt(t.ok));
    expect((await getAccount(payee, env.db))!.balanceCents).toBe(1_000n * BigInt(t.ok));
  });

  it('in both directions with interleaved deposits conserve money', SLOW, async () => {
    const a = await open('A', 3_000);
    const b = await open('B', 3_000);
    const totalBefore = await totalBalance();

    const commands: Array<Promise<CommandResult>> = [];
    for (let i = 0; i < 15; i++) {
      commands.push(makePayment({ commandId: newCommandId(), payerAccountNumber: a, payeeAccountNumber: b, amountCents: 450 }, deps));
      commands.push(makePayment({ commandId: newCommandId(), payerAccountNumber: b, payeeAccountNumber: a, amountCents: 350 }, deps));
      if (i % 5 === 0) commands.push(deposit({ commandId: newCommandId(), accountNumber: a, amountCents: 100 }, deps));
    }
    const results = await Promise.all(commands);
    expect(tally(results).other).toEqual([]);
    await settled(a);
    await settled(b);

    const depositsOk = (await readUserEvents(env.client)).filter(
      (e) => e.streamId === accountStream(a) && e.type === 'MoneyDeposited',
    ).length;
    const rowA = (await getAccount(a, env.db))!;
    const rowB = (await getAccount(b, env.db))!;
    expect(rowA.balanceCents).toBeGreaterThanOrEqual(0n);
    expect(rowB.balanceCents).toBeGreaterThanOrEqual(0n);
    expect(await totalBalance()).toBe(totalBefore + 100n * BigInt(depositsOk));
  });

  it('from an account the projection has not seen yet wait for it, bounded, and write nothing on timeout', SLOW, async () => {
    await worker.stop();
    const opened = await openAccount({ commandId: newCommandId(), holderName: 'Brand new', openingBalanceCents: 900 }, deps);
    const payeeOpened = await openAccount({ commandId: newCommandId(), holderName: 'Also new', openingBalanceCents: 0 }, deps);
    if (!opened.ok || !payeeOpened.ok) throw new Error('opening failed');
    const input = {
      commandId: newCommandId(),
      payerAccountNumber: opened.accountNumber,
      payeeAccountNumber: payeeOpened.accountNumber,
      amountCents: 900,
    };

    const impatient = await makePayment(input, { ...deps, catchUpTimeoutMs: 300 });
    if (decisionSource === 'read-model') {
      expect(impatient).toMatchObject({ ok: false, code: 'conflict' });
      expect(await paymentsInStore(opened.accountNumber)).toHaveLength(0);
    } else {
      // Payer and payee are both known to the store: no need to wait for the worker.
      expect(impatient).toMatchObject({ ok: true, accountNumber: opened.accountNumber, streamRevision: 1n });
      expect(await paymentsInStore(opened.accountNumber)).toHaveLength(1);
    }

    worker = env.startWorker();
    const retried = await makePayment(input, deps);
    expect(retried).toMatchObject({ ok: true, accountNumber: opened.accountNumber, streamRevision: 1n });
    await settled(opened.accountNumber);
    expect((await getAccount(payeeOpened.accountNumber, env.db))!.balanceCents).toBe(900n);
  });
});
