import { NO_STREAM, type EventStoreDBClient } from '@eventstore/db-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deposit, makePayment, openAccount, type CommandDeps } from '@/lib/commands';
import { MAX_STORE_ATTEMPTS } from '@/lib/commands/make-payment';
import { MAX_NUMBER_ATTEMPTS } from '@/lib/commands/open-account';
import { appendForCommand } from '@/lib/commands/support';
import { readCommandRecord } from '@/lib/eventstore/write-model/command-registry';
import { accountNumberFor } from '@/lib/eventstore/serialization/ids';
import { readStreamEvents } from '@/lib/eventstore/connection/read-stream';
import { accountStream } from '@/lib/eventstore/serialization/streams';
import { waitForAccountRevision } from '@/lib/queries';
import type { ProjectionWorker } from '@/worker/subscription';
import { newCommandId, readUserEvents, startTestEnvironment, type TestEnvironment } from './support/environment';

let env: TestEnvironment;

beforeAll(async () => {
  env = await startTestEnvironment();
});

afterAll(async () => {
  await env?.stop();
});

/** Another command's AccountOpened on the stream of `accountNumber`: the number is taken. */
async function takeNumber(accountNumber: string) {
  await appendForCommand(
    env.client,
    accountStream(accountNumber),
    newCommandId(),
    [{ type: 'AccountOpened', data: { accountNumber, holderName: 'Someone Else', openingBalanceCents: 0 } }],
    NO_STREAM,
  );
}

const streamOf = (accountNumber: string) => readStreamEvents(env.client, accountStream(accountNumber));

async function opened(holderName: string, openingBalanceCents: number, deps: CommandDeps = env.deps) {
  const result = await openAccount({ commandId: newCommandId(), holderName, openingBalanceCents }, deps);
  if (!result.ok) throw new Error(result.message);
  return result;
}

describe('OpenAccount on an account-number collision', () => {
  it("takes the next attempt's number, answers it, and is idempotent on retry", async () => {
    const commandId = newCommandId();
    const taken = accountNumberFor(commandId, 0);
    await takeNumber(taken);
    const input = { commandId, holderName: 'Second Comer', openingBalanceCents: 4_200 };

    const first = await openAccount(input, env.deps);
    expect(first).toMatchObject({ ok: true, accountNumber: accountNumberFor(commandId, 1) });
    if (!first.ok) return;
    expect(first.accountNumber).not.toBe(taken);
    // The other account is untouched; the new one holds exactly this command's AccountOpened.
    expect((await streamOf(taken)).map((e) => e.type)).toEqual(['AccountOpened']);
    const own = await streamOf(first.accountNumber);
    expect(own.map((e) => [e.type, e.data])).toEqual([
      ['AccountOpened', { accountNumber: first.accountNumber, holderName: 'Second Comer', openingBalanceCents: 4_200 }],
    ]);
    expect((own[0]!.metadata as { commandId: string }).commandId).toBe(commandId);

    const eventsBefore = (await readUserEvents(env.client)).length;
    const again = await openAccount(input, env.deps);
    expect(again).toEqual(first);
    expect((await readUserEvents(env.client)).length).toBe(eventsBefore);
  });

  it('gives up with a clear message, opening nothing, when every candidate number is taken', async () => {
    const commandId = newCommandId();
    for (let attempt = 0; attempt < MAX_NUMBER_ATTEMPTS; attempt++) await takeNumber(accountNumberFor(commandId, attempt));
    const eventsBefore = (await readUserEvents(env.client)).length;

    const result = await openAccount({ commandId, holderName: 'Unlucky', openingBalanceCents: 0 }, env.deps);
    expect(result).toMatchObject({ ok: false, code: 'conflict', message: expect.stringMatching(/free account number/) });
    expect((await readUserEvents(env.client)).length).toBe(eventsBefore);
    expect(await readCommandRecord(env.client, commandId)).toBeNull();
  });
});

/**
 * The real client, except that every append to `stream` is preceded by someone else's deposit
 * on that stream: the revision the handler guarded its append with is always already gone.
 */
function withMovingStream(client: EventStoreDBClient, stream: string, accountNumber: string) {
  let interposed = 0;
  const moving = new Proxy(client, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (property !== 'appendToStream') return (value as (...a: unknown[]) => unknown).bind(target);
      return async (...args: Parameters<EventStoreDBClient['appendToStream']>) => {
        if (args[0] === stream) {
          interposed++;
          await appendForCommand(
            target,
            stream,
            newCommandId(),
            [{ type: 'MoneyDeposited', data: { accountNumber, amountCents: 1 } }],
            'any',
          );
        }
        return target.appendToStream(...args);
      };
    },
  });
  return { client: moving, interposed: () => interposed };
}

describe('MakePayment when the payer keeps changing', () => {
  it(`event-store source: gives up after ${MAX_STORE_ATTEMPTS} decisions with the conflict message and pays nothing`, async () => {
    const payer = await opened('Busy Payer', 10_000);
    const payee = await opened('Quiet Payee', 0);
    const stream = accountStream(payer.accountNumber);
    const moving = withMovingStream(env.client, stream, payer.accountNumber);
    const input = {
      commandId: newCommandId(),
      payerAccountNumber: payer.accountNumber,
      payeeAccountNumber: payee.accountNumber,
      amountCents: 300,
    };
    // A deadline far away, so the cap is what stops it.
    const deps: CommandDeps = { ...env.deps, eventStore: moving.client, decisionSource: 'event-store', catchUpTimeoutMs: 600_000 };

    const result = await makePayment(input, deps);
    expect(result).toMatchObject({ ok: false, code: 'conflict', message: expect.stringMatching(/kept changing.*nothing was paid/) });
    expect(moving.interposed()).toBe(MAX_STORE_ATTEMPTS);
    const types = (await streamOf(payer.accountNumber)).map((e) => e.type);
    expect(types.filter((type) => type === 'PaymentMade')).toEqual([]);
    expect(types.filter((type) => type === 'MoneyDeposited')).toHaveLength(MAX_STORE_ATTEMPTS);
    expect(await streamOf(payee.accountNumber)).toHaveLength(1);

    // The command id stays claimed for this payment (by design), so the same form, submitted
    // again once the account is quiet, pays exactly once.
    const again = await makePayment(input, { ...deps, eventStore: env.client });
    expect(again.ok).toBe(true);
    const paid = (await streamOf(payer.accountNumber)).filter((e) => e.type === 'PaymentMade');
    expect(paid).toHaveLength(1);
  });

  it('read-model source: gives up at the deadline when the projection never catches up, and pays nothing', async () => {
    let worker: ProjectionWorker | null = env.startWorker({ group: 'command-limits' });
    try {
      const payer = await opened('Stale Payer', 10_000);
      const payee = await opened('Stale Payee', 0);
      expect(await waitForAccountRevision(payer.accountNumber, payer.streamRevision, { timeoutMs: 15_000 }, env.db)).toBe(true);
      expect(await waitForAccountRevision(payee.accountNumber, payee.streamRevision, { timeoutMs: 15_000 }, env.db)).toBe(true);
      await worker.stop();
      worker = null;
      // The payer's stream moves on; with the worker stopped the query model stays behind it.
      const deposited = await deposit({ commandId: newCommandId(), accountNumber: payer.accountNumber, amountCents: 100 }, env.deps);
      expect(deposited.ok).toBe(true);

      const input = {
        commandId: newCommandId(),
        payerAccountNumber: payer.accountNumber,
        payeeAccountNumber: payee.accountNumber,
        amountCents: 300,
      };
      const deps: CommandDeps = { ...env.deps, decisionSource: 'read-model', catchUpTimeoutMs: 1_000 };
      const result = await makePayment(input, deps);
      expect(result).toMatchObject({ ok: false, code: 'conflict', message: expect.stringMatching(/still updating; nothing was paid/) });
      expect((await streamOf(payer.accountNumber)).map((e) => e.type)).toEqual(['AccountOpened', 'MoneyDeposited']);

      // Once the projection catches up, the same form pays exactly once.
      worker = env.startWorker({ group: 'command-limits' });
      const again = await makePayment(input, { ...deps, catchUpTimeoutMs: 15_000 });
      expect(again.ok).toBe(true);
      expect((await streamOf(payer.accountNumber)).map((e) => e.type)).toEqual(['AccountOpened', 'MoneyDeposited', 'PaymentMade']);
    } finally {
      await worker?.stop();
    }
  });
});
