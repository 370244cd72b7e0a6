import { accountNumberFor } from '@/lib/eventstore/serialization/ids';
import type { EventStoreDBClient } from '@eventstore/db-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonEvent } from '@eventstore/db-client';
import { changeHolderName, deposit, makePayment, openAccount, type CommandResult } from '@/lib/commands';
import { createDb } from '@/lib/db/client';
import { getAccount, getAccountHistory, waitForAccountRevision } from '@/lib/queries';
import { accountStream } from '@/lib/eventstore/serialization/streams';
import { claimCommandId, commandFingerprint, readCommandRecord } from '@/lib/eventstore/write-model/command-registry';
import { PayerStateCache } from '@/lib/eventstore/write-model/payer-state-cache';
import { StreamQueue } from '@/lib/commands/stream-queue';
import {
  newCommandId,
  ok as expectOk,
  readUserEvents as readAllUserEvents,
  startTestEnvironment,
  type TestEnvironment,
} from './support/environment';

/** Events on account streams: what "nothing was appended" means (command-<id> records are not account history). */
async function readUserEvents(client: TestEnvironment['client']) {
  return (await readAllUserEvents(client)).filter((e) => e.streamId.startsWith('account-'));
}

let env: TestEnvironment;

beforeAll(async () => {
  env = await startTestEnvironment();
  env.startWorker();
});

afterAll(async () => {
  await env?.stop();
});

async function projected(result: CommandResult) {
  const ok = expectOk(result);
  expect(await waitForAccountRevision(ok.accountNumber, ok.streamRevision, { timeoutMs: 15_000 }, env.db)).toBe(true);
  return ok;
}

async function open(holderName: string, openingBalanceCents = 0) {
  return (await projected(await openAccount({ commandId: newCommandId(), holderName, openingBalanceCents }, env.deps))).accountNumber;
}

/** Runs a command that must be rejected and checks that nothing reached the store. */
async function expectRejected(run: () => Promise<CommandResult>, code: string, field?: string) {
  const before = (await readUserEvents(env.client)).length;
  const result = await run();
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.code).toBe(code);
  expect(result.message.length).toBeGreaterThan(0);
  if (field) expect(result.fieldErrors?.[field]?.length).toBeGreaterThan(0);
  expect((await readUserEvents(env.client)).length).toBe(before);
}

describe('openAccount', () => {
  it('appends AccountOpened with command metadata to a new account stream', async () => {
    const commandId = newCommandId();
    const result = await projected(await openAccount({ commandId, holderName: '  Ada Lovelace ', openingBalanceCents: 1500 }, env.deps));
    expect(result.accountNumber).toMatch(/^\d{10}$/);
    expect(result.streamRevision).toBe(0n);

    const stored = (await readUserEvents(env.client)).filter((e) => e.streamId === accountStream(result.accountNumber));
    expect(stored).toHaveLength(1);
    expect(stored[0].type).toBe('AccountOpened');
    expect(stored[0].data).toEqual({ accountNumber: result.accountNumber, holderName: 'Ada Lovelace', openingBalanceCents: 1500 });
    expect(stored[0].metadata).toEqual({ commandId, correlationId: commandId, causationId: commandId });
    expect(stored[0].position?.commit).toBe(result.position);

    expect(await getAccount(result.accountNumber, env.db)).toMatchObject({
      holderName: 'Ada Lovelace',
      balanceCents: 1500n,
      revision: 0n,
    });
  });

  it('is idempotent: a double submit, even concurrent, opens one account and answers the same', async () => {
    const input = { commandId: newCommandId(), holderName: 'Grace', openingBalanceCents: 0 };
    const before = (await readUserEvents(env.client)).length;
    const [a, b] = await Promise.all([openAccount(input, env.deps), openAccount(input, env.deps)]);
    const c = await openAccount(input, env.deps);
    expect(expectOk(b)).toEqual(expectOk(a));
    expect(expectOk(c)).toEqual(expectOk(a));
    expect((await readUserEvents(env.client)).length).toBe(before + 1);
  });

  it.each([
    [{ holderName: '' }, 'holderName'],
    [{ holderName: '    ' }, 'holderName'],
    [{ holderName: 'x'.repeat(101) }, 'holderName'],
    [{ openingBalanceCents: -1 }, 'openingBalance'],
    [{ openingBalanceCents: 1.5 }, 'openingBalance'],
    [{ openingBalanceCents: 4_294_967_296 }, 'openingBalance'],
    [{ commandId: 'not-a-uuid' }, 'commandId'],
  ])('rejects %j without appending anything', async (override, field) => {
    await expectRejected(
      () => openAccount({ commandId: newCommandId(), holderName: 'Ada', openingBalanceCents: 0, ...override }, env.deps),
      'validation',
      field,
    );
  });
});

describe('deposit', () => {
  it('appends MoneyDeposited and the projection raises the balance', async () => {
    const account = await open('Dee', 100);
    const result = await projected(
      await deposit({ commandId: newCommandId(), accountNumber: account, amountCents: 4_294_967_295 }, env.deps),
    );
    expect(result).toMatchObject({ accountNumber: account, streamRevision: 1n });
    expect((await getAccount(account, env.db))?.balanceCents).toBe(4_294_967_395n);
  });

  it('is idempotent: a retry appends nothing and returns the same result', async () => {
    const account = await open('Dee', 0);
    const input = { commandId: newCommandId(), accountNumber: account, amountCents: 700 };
    const first = await projected(await deposit(input, env.deps));
    const before = (await readUserEvents(env.client)).length;
    expect(await deposit(input, env.deps)).toEqual(first);
    expect((await readUserEvents(env.client)).length).toBe(before);
    expect((await getAccount(account, env.db))?.balanceCents).toBe(700n);
  });

  it('rejects an unknown account', async () => {
    await expectRejected(
      () => deposit({ commandId: newCommandId(), accountNumber: '1000000008', amountCents: 1 }, env.deps),
      'not_found',
      'accountNumber',
    );
  });

  it.each([0, -5, 2.5, 4_294_967_296, Number.NaN])('rejects amount %d without appending anything', async (amountCents) => {
    const account = await open('Dee', 0);
    await expectRejected(
      () => deposit({ commandId: newCommandId(), accountNumber: account, amountCents }, env.deps),
      'validation',
      'amount',
    );
  });

  it('rejects a malformed account number', async () => {
    await expectRejected(
      () => deposit({ commandId: newCommandId(), accountNumber: '12ab', amountCents: 1 }, env.deps),
      'validation',
      'accountNumber',
    );
  });
});

describe('changeHolderName', () => {
  it('records the new and previous name and the projection shows it', async () => {
    const account = await open('Old Name');
    const result = await projected(
      await changeHolderName({ commandId: newCommandId(), accountNumber: account, holderName: 'New Name' }, env.deps),
    );
    const stored = (await readUserEvents(env.client)).filter((e) => e.streamId === accountStream(account));
    expect(stored.at(-1)?.data).toEqual({ accountNumber: account, holderName: 'New Name', previousHolderName: 'Old Name' });
    expect(result.streamRevision).toBe(1n);
    expect((await getAccount(account, env.db))?.holderName).toBe('New Name');
  });

  it('is idempotent', async () => {
    const account = await open('Old Name');
    const input = { commandId: newCommandId(), accountNumber: account, holderName: 'Renamed' };
    const first = expectOk(await changeHolderName(input, env.deps));
    const before = (await readUserEvents(env.client)).length;
    expect(await changeHolderName(input, env.deps)).toEqual(first);
    expect((await readUserEvents(env.client)).length).toBe(before);
  });

  it.each([
    ['', 'validation'],
    ['   ', 'validation'],
    ['n'.repeat(101), 'validation'],
  ])('rejects name %j', async (holderName, code) => {
    const account = await open('Keeps Name');
    await expectRejected(
      () => changeHolderName({ commandId: newCommandId(), accountNumber: account, holderName }, env.deps),
      code,
      'holderName',
    );
  });

  it('rejects an unknown account', async () => {
    await expectRejected(
      () => changeHolderName({ commandId: newCommandId(), accountNumber: '2000000006', holderName: 'X' }, env.deps),
      'not_found',
    );
  });
});

describe('makePayment', () => {
  it('appends PaymentMade to the payer stream only; the projection debits the payer and credits the payee', async () => {
    const payer = await open('Payer', 10_000);
    const payee = await open('Payee', 50);
    const payeeEventsBefore = (await readUserEvents(env.client)).filter((e) => e.streamId === accountStream(payee)).length;

    const result = await projected(
      await makePayment(
        { commandId: newCommandId(), payerAccountNumber: payer, payeeAccountNumber: payee, amountCents: 2_500, reference: 'rent' },
        env.deps,
      ),
    );
    expect(result).toMatchObject({ accountNumber: payer, streamRevision: 1n });

    const events = await readUserEvents(env.client);
    expect(events.filter((e) => e.streamId === accountStream(payee))).toHaveLength(payeeEventsBefore);
    expect(events.filter((e) => e.streamId === accountStream(payer)).at(-1)?.data).toEqual({
      payerAccountNumber: payer,
      payeeAccountNumber: payee,
      amountCents: 2_500,
      reference: 'rent',
    });

    expect((await getAccount(payer, env.db))?.balanceCents).toBe(7_500n);
    expect((await getAccount(payee, env.db))?.balanceCents).toBe(2_550n);
    const payerHistory = await getAccountHistory(payer, { page: 1, pageSize: 10 }, env.db);
    const payeeHistory = await getAccountHistory(payee, { page: 1, pageSize: 10 }, env.db);
    expect(payerHistory.entries[0]).toMatchObject({
      kind: 'PaymentMade',
      amountCents: -2_500n,
      balanceAfterCents: 7_500n,
      counterparty: payee,
    });
    expect(payeeHistory.entries[0]).toMatchObject({
      kind: 'PaymentReceived',
      amountCents: 2_500n,
      balanceAfterCents: 2_550n,
      counterparty: payer,
    });
    expect(payeeHistory.total).toBe(2);
  });

  it('is idempotent whether or not the projection has caught up', async () => {
    const payer = await open('Payer', 1_000);
    const payee = await open('Payee');
    const input = { commandId: newCommandId(), payerAccountNumber: payer, payeeAccountNumber: payee, amountCents: 400 };
    const [first, immediate] = await Promise.all([makePayment(input, env.deps), makePayment(input, env.deps)]);
    await projected(first);
    const later = await makePayment(input, env.deps);
    expect(immediate).toEqual(first);
    expect(later).toEqual(first);
    expect((await readUserEvents(env.client)).filter((e) => e.streamId === accountStream(payer))).toHaveLength(2);
    expect((await getAccount(payer, env.db))?.balanceCents).toBe(600n);
    expect((await getAccount(payee, env.db))?.balanceCents).toBe(400n);
  });

  it('rejects a payment above the balance', async () => {
    const payer = await open('Poor', 999);
    const payee = await open('Payee');
    await expectRejected(
      () => makePayment({ commandId: newCommandId(), payerAccountNumber: payer, payeeAccountNumber: payee, amountCents: 1_000 }, env.deps),
      'insufficient_funds',
      'amount',
    );
    expect((await getAccount(payer, env.db))?.balanceCents).toBe(999n);
  });

  it('does not refuse for insufficient funds on a balance the query model has not brought up to date', async () => {
    const payer = await open('Just Paid In');
    const payee = await open('Payee');
    const input = { commandId: newCommandId(), payerAccountNumber: payer, payeeAccountNumber: payee, amountCents: 300 };
    // Hold the payer's row so the worker cannot apply the deposit: the row says 0 while the stream holds 500.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holding = env.db.$client.begin(async (tx) => {
      await tx`SELECT 1 FROM readmodel.accounts WHERE number = ${payer} FOR UPDATE`;
      locked();
      await released;
    });
    try {
      await isLocked;
      expectOk(await deposit({ commandId: newCommandId(), accountNumber: payer, amountCents: 500 }, env.deps));
      const whileBehind = await makePayment(input, { ...env.deps, catchUpTimeoutMs: 300 });
      expect(whileBehind).toMatchObject({ ok: false, code: 'conflict' });
    } finally {
      release();
      await holding;
    }
    // The same command id, once the model has caught up: paid once.
    await projected(expectOk(await makePayment(input, env.deps)));
    expect((await getAccount(payer, env.db))?.balanceCents).toBe(200n);
  });

  it.each(['read-model', 'event-store'] as const)(
    'a refused payment writes nothing, not even its command id (%s source)',
    async (decisionSource) => {
      const payer = await open('Short Of Money', 100);
      const payee = await open('Payee');
      const deps = { ...env.deps, decisionSource, payerCache: new PayerStateCache() };
      const refused = [
        { commandId: newCommandId(), payerAccountNumber: payer, payeeAccountNumber: payee, amountCents: 101 },
        { commandId: newCommandId(), payerAccountNumber: payer, payeeAccountNumber: accountNumberFor('never-opened'), amountCents: 1 },
      ];
      for (const input of refused) {
        expect(await makePayment(input, deps)).toMatchObject({ ok: false });
        expect(await readCommandRecord(env.client, input.commandId)).toBeNull();
      }
      expect((await readUserEvents(env.client)).filter((e) => e.streamId === accountStream(payer))).toHaveLength(1);
    },
  );

  it('rejects unknown payer, unknown payee and paying oneself', async () => {
    const account = await open('Someone', 1_000);
    await expectRejected(
      () =>
        makePayment({ commandId: newCommandId(), payerAccountNumber: '1000000008', payeeAccountNumber: account, amountCents: 1 }, env.deps),
      'not_found',
      'accountNumber',
    );
    await expectRejected(
      () =>
        makePayment({ commandId: newCommandId(), payerAccountNumber: account, payeeAccountNumber: '2000000006', amountCents: 1 }, env.deps),
      'not_found',
      'payeeAccountNumber',
    );
    await expectRejected(
      () => makePayment({ commandId: newCommandId(), payerAccountNumber: account, payeeAccountNumber: account, amountCents: 1 }, env.deps),
      'same_account',
      'payeeAccountNumber',
    );
  });

  it.each([0, -1, 0.5, 4_294_967_296])('rejects amount %d', async (amountCents) => {
    const payer = await open('Payer', 1_000);
    const payee = await open('Payee');
    await expectRejected(
      () => makePayment({ commandId: newCommandId(), payerAccountNumber: payer, payeeAccountNumber: payee, amountCents }, env.deps),
      'validation',
      'amount',
    );
  });

  it('rejects an over-long reference', async () => {
    const payer = await open('Payer', 1_000);
    const payee = await open('Payee');
    await expectRejected(
      () =>
        makePayment(
          { commandId: newCommandId(), payerAccountNumber: payer, payeeAccountNumber: payee, amountCents: 1, reference: 'r'.repeat(141) },
          env.deps,
        ),
      'validation',
      'reference',
    );
  });
});

describe('command ids', () => {
  it('an exact retry appends one event and answers the same', async () => {
    const account = await open('Retry', 0);
    const input = { commandId: newCommandId(), accountNumber: account, amountCents: 300 };
    const [a, b] = await Promise.all([deposit(input, env.deps), deposit(input, env.deps)]);
    const c = await deposit(input, env.deps);
    expect(expectOk(b)).toEqual(expectOk(a));
    expect(expectOk(c)).toEqual(expectOk(a));
    expect((await readUserEvents(env.client)).filter((e) => e.streamId === accountStream(account))).toHaveLength(2);
  });

  it("refuse a deposit with a payment's command id, and write nothing", async () => {
    const payer = await open('Payer', 1_000);
    const payee = await open('Payee');
    const commandId = newCommandId();
    await projected(await makePayment({ commandId, payerAccountNumber: payer, payeeAccountNumber: payee, amountCents: 100 }, env.deps));
    await expectRejected(() => deposit({ commandId, accountNumber: payee, amountCents: 100 }, env.deps), 'command_reused');
    const refused = await deposit({ commandId, accountNumber: payee, amountCents: 100 }, env.deps);
    expect(refused).toMatchObject({ ok: false, message: expect.stringMatching(/already used for a different command \(a payment\)/) });
    expect((await getAccount(payee, env.db))?.balanceCents).toBe(100n);
  });

  it("refuse a payment with a deposit's command id", async () => {
    const payer = await open('Payer', 1_000);
    const payee = await open('Payee');
    const commandId = newCommandId();
    await projected(await deposit({ commandId, accountNumber: payer, amountCents: 100 }, env.deps));
    await expectRejected(
      () => makePayment({ commandId, payerAccountNumber: payer, payeeAccountNumber: payee, amountCents: 100 }, env.deps),
      'command_reused',
    );
  });

  it('refuse the same payment id with another amount', async () => {
    const payer = await open('Payer', 1_000);
    const payee = await open('Payee');
    const commandId = newCommandId();
    await projected(await makePayment({ commandId, payerAccountNumber: payer, payeeAccountNumber: payee, amountCents: 100 }, env.deps));
    await expectRejected(
      () => makePayment({ commandId, payerAccountNumber: payer, payeeAccountNumber: payee, amountCents: 200 }, env.deps),
      'command_reused',
    );
    await expectRejected(
      () => makePayment({ commandId, payerAccountNumber: payer, payeeAccountNumber: payee, amountCents: 100, reference: 'x' }, env.deps),
      'command_reused',
    );
  });

  it('a retry after the id was claimed but before the account event was written completes the command once', async () => {
    const account = await open('Half done', 0);
    const input = { commandId: newCommandId(), accountNumber: account, amountCents: 500 };
    // What a process that died between the two appends leaves behind:
    const claim = {
      commandId: input.commandId,
      command: 'Deposit' as const,
      fingerprint: commandFingerprint('Deposit', { accountNumber: account, amountCents: 500 }),
    };
    expect(await claimCommandId(env.client, claim, accountStream(account))).toEqual({ ok: true, fresh: true });
    const first = await projected(await deposit(input, env.deps));
    expect(await deposit(input, env.deps)).toEqual(first);
    expect((await readUserEvents(env.client)).filter((e) => e.streamId === accountStream(account))).toHaveLength(2);
    expect((await getAccount(account, env.db))?.balanceCents).toBe(500n);
  });

  it.each(['read-model', 'event-store'] as const)('a payment retry is paid once (%s source)', async (decisionSource) => {
    const payer = await open('Payer', 1_000);
    const payee = await open('Payee');
    const deps = { ...env.deps, decisionSource };
    const input = { commandId: newCommandId(), payerAccountNumber: payer, payeeAccountNumber: payee, amountCents: 250 };
    const first = await projected(await makePayment(input, deps));
    expect(await makePayment(input, deps)).toEqual(first);
    expect(await makePayment(input, { ...deps, payerCache: new PayerStateCache() })).toEqual(first);
    expect((await readUserEvents(env.client)).filter((e) => e.streamId === accountStream(payer))).toHaveLength(2);
  });

  it('does not refuse on the cached state of the event-store source when the stream has moved on (a deposit made elsewhere)', async () => {
    const payer = await open('Cached Payer', 100);
    const payee = await open('Payee');
    const deps = { ...env.deps, decisionSource: 'event-store' as const, payerCache: new PayerStateCache() };
    await projected(
      await makePayment({ commandId: newCommandId(), payerAccountNumber: payer, payeeAccountNumber: payee, amountCents: 50 }, deps),
    );
    // The cache says 50 left; a deposit through another path (not the cache) makes it 550.
    expect(deps.payerCache.peek(payer)?.state).toMatchObject({ balanceCents: 50n });
    expectOk(await deposit({ commandId: newCommandId(), accountNumber: payer, amountCents: 500 }, env.deps));
    const paid = await makePayment(
      { commandId: newCommandId(), payerAccountNumber: payer, payeeAccountNumber: payee, amountCents: 400 },
      deps,
    );
    expect(paid).toMatchObject({ ok: true, streamRevision: 3n });
    // A payment the cache can afford is appended without reading the store first, guarded by the cached revision.
    expect(deps.payerCache.peek(payer)).toMatchObject({ revision: 3n, state: { balanceCents: 150n } });
  });

  it.each(['read-model', 'event-store'] as const)(
    'payments racing from one payer in one process are queued: all land, each with one append that succeeds (%s source)',
    async (decisionSource) => {
      const payer = await open('Hot Payer', 10_000);
      const payee = await open('Payee');
      let appends = 0;
      const counting = Object.create(env.client, {
        appendToStream: {
          value: (...args: Parameters<EventStoreDBClient['appendToStream']>) => {
            if (args[0] === accountStream(payer)) appends += 1;
            return env.client.appendToStream(...args);
          },
        },
      }) as EventStoreDBClient;
      const deps = { ...env.deps, eventStore: counting, decisionSource, payerCache: new PayerStateCache() };
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          makePayment({ commandId: newCommandId(), payerAccountNumber: payer, payeeAccountNumber: payee, amountCents: 10 }, deps),
        ),
      );
      expect(results.every((r) => r.ok)).toBe(true);
      expect(results.map((r) => (r.ok ? Number(r.streamRevision) : -1)).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
      // Unqueued, each of the 20 raced the others and most appends failed on the revision.
      expect(appends).toBe(20);
    },
  );

  it("a payment that waits too long behind its payer's queue says nothing was paid, and one whose id an earlier submit claimed says the outcome is unknown", async () => {
    const payer = await open('Queued Payer', 1_000);
    const payee = await open('Payee');
    const queue = new StreamQueue();
    let unblock = () => {};
    const blocked = queue.run(
      payer,
      Date.now() + 60_000,
      () => new Promise<void>((resolve) => (unblock = resolve)),
      () => undefined,
    );
    const deps = { ...env.deps, streamQueue: queue, catchUpTimeoutMs: 200 };
    const input = { commandId: newCommandId(), payerAccountNumber: payer, payeeAccountNumber: payee, amountCents: 100 };
    const retried = { ...input, commandId: newCommandId() };
    try {
      expect(await makePayment(input, deps)).toMatchObject({
        ok: false,
        code: 'conflict',
        message: expect.stringMatching(/nothing was paid/),
      });
      // An earlier submit of `retried` claimed its id (and for all this attempt knows is still paying, ahead in the queue).
      const { commandId, ...content } = retried;
      const claim = { commandId, command: 'MakePayment' as const, fingerprint: commandFingerprint('MakePayment', content) };
      expect(await claimCommandId(env.client, claim, accountStream(payer))).toEqual({ ok: true, fresh: true });
      expect(await makePayment(retried, deps)).toMatchObject({ ok: false, code: 'unknown' });
    } finally {
      unblock();
      await blocked;
    }
    // Refused in the queue, nothing was written for it: not even its command id.
    expect((await readUserEvents(env.client)).filter((e) => e.streamId === accountStream(payer))).toHaveLength(1);
    expect(await readCommandRecord(env.client, input.commandId)).toBeNull();
    // Once the queue moves, both pay, once each.
    expectOk(await makePayment(input, deps));
    expectOk(await makePayment(retried, deps));
    expect((await readUserEvents(env.client)).filter((e) => e.streamId === accountStream(payer))).toHaveLength(3);
  });

  it('a retry of a stored payment that finds PostgreSQL down answers its success, not "nothing was done" (read-model source)', async () => {
    const payer = await open('Payer', 1_000);
    const payee = await open('Payee');
    const input = { commandId: newCommandId(), payerAccountNumber: payer, payeeAccountNumber: payee, amountCents: 250 };
    const first = await projected(await makePayment({ ...input }, { ...env.deps, decisionSource: 'read-model' }));
    // The same submit again (its answer was lost), while the query model cannot be reached:
    // nothing on a closed port, so every query fails at once as unavailable.
    const down = createDb('postgres://eventbank:eventbank@127.0.0.1:1/eventbank', { max: 1 });
    try {
      const deps = { ...env.deps, db: down.db, decisionSource: 'read-model' as const };
      expect(await makePayment(input, deps)).toEqual(first);
      // A payment that was never made still gets its honest answer.
      expect(await makePayment({ ...input, commandId: newCommandId() }, deps)).toMatchObject({ ok: false, code: 'unavailable' });
    } finally {
      await down.close();
    }
    expect((await readUserEvents(env.client)).filter((e) => e.streamId === accountStream(payer))).toHaveLength(2);
  });
});

describe('hostile text', () => {
  it.each([
    ['Ada\u0000', /control characters/],
    ['Ada\u202eecilA', /text-direction/],
    ['\u200b\u200d', /invisible/],
    ['Ada\ud800', /invalid character/],
  ])('a holder name %j is refused with a clear message and nothing is written', async (holderName, message) => {
    await expectRejected(
      () => openAccount({ commandId: newCommandId(), holderName, openingBalanceCents: 0 }, env.deps),
      'validation',
      'holderName',
    );
    const result = await openAccount({ commandId: newCommandId(), holderName, openingBalanceCents: 0 }, env.deps);
    expect(!result.ok && result.fieldErrors?.holderName?.[0]).toMatch(message);
  });

  it('a reference with a direction override is refused', async () => {
    const payer = await open('Payer', 1_000);
    const payee = await open('Payee');
    await expectRejected(
      () =>
        makePayment(
          { commandId: newCommandId(), payerAccountNumber: payer, payeeAccountNumber: payee, amountCents: 1, reference: 'rent\u202e' },
          env.deps,
        ),
      'validation',
      'reference',
    );
  });

  it('a stored event holding such a name decodes as invalid: the account refuses commands instead of folding it', async () => {
    const account = await open('Victim', 0);
    await env.client.appendToStream(
      accountStream(account),
      jsonEvent({ type: 'HolderNameChanged', data: { accountNumber: account, holderName: 'Eve\u202e', previousHolderName: 'Victim' } }),
    );
    const result = await deposit({ commandId: newCommandId(), accountNumber: account, amountCents: 1 }, env.deps);
    expect(result).toMatchObject({ ok: false, code: 'unavailable', message: expect.stringMatching(/unreadable event/) });
  });
});
