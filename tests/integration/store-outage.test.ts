import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { EventStoreDBClient } from '@eventstore/db-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEventStore, type RunningEventStore } from '@eventbank/embedded-eventstore';
import { changeHolderName, deposit, makePayment, openAccount, type CommandDeps, type CommandResult } from '@/lib/commands';
import { readCommandRecord } from '@/lib/eventstore/write-model/command-registry';
import { createEventStoreClient } from '@/lib/eventstore/connection/client';
import { readStreamEvents } from '@/lib/eventstore/connection/read-stream';
import { accountStream } from '@/lib/eventstore/serialization/streams';
import { startProjectionWorker, type ProjectionWorker } from '@/worker/subscription';
import { freePort } from '../support/free-port';
import { eventually, newCommandId, quietLogger, readUserEvents, startTestEnvironment, type TestEnvironment } from './support/environment';

// The store is stopped and started again under the command handlers: its own durable store on
// its own port (the shared one of the environment is in memory and would lose everything).
let env: TestEnvironment;
let dir: string;
let port: number;
let store: RunningEventStore | null = null;
let client: EventStoreDBClient;
let deps: CommandDeps;
let worker: ProjectionWorker | null = null;

const startStore = async () => (store = await startEventStore({ port, dataDir: path.join(dir, 'eventstore') }));
async function stopStore() {
  await store?.close();
  store = null;
}

beforeAll(async () => {
  env = await startTestEnvironment();
  dir = await mkdtemp(path.join(tmpdir(), 'eventbank-store-outage-'));
  port = await freePort();
  await startStore();
  client = createEventStoreClient(store!.connectionString);
  deps = { eventStore: client, db: env.db, catchUpTimeoutMs: 5_000 };
}, 120_000);

afterAll(async () => {
  await worker?.stop().catch(() => {});
  await client?.dispose().catch(() => {});
  await store?.close();
  await env?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function opened(holderName: string, openingBalanceCents: number) {
  const result = await openAccount({ commandId: newCommandId(), holderName, openingBalanceCents }, deps);
  if (!result.ok) throw new Error(result.message);
  return result.accountNumber;
}

/** Once the store is back: the client reconnects by itself; wait until a read goes through. */
const storeReachable = () => eventually('the store to answer again', async () => (await readUserEvents(client)).length >= 0);

/** The account events (any stream) a command appended, found by its metadata. */
async function accountEventsOf(commandId: string) {
  return (await readUserEvents(client)).filter(
    (event) => event.streamId.startsWith('account-') && (event.metadata as { commandId?: string } | undefined)?.commandId === commandId,
  );
}

async function timed(what: string, run: () => Promise<CommandResult>) {
  const started = performance.now();
  const result = await run();
  return { what, result, ms: Math.round(performance.now() - started) };
}

describe('event store unavailable', () => {
  it(
    'every command answers "unavailable" with a clear message, writes nothing, and works on retry once the store is back',
    { timeout: 120_000 },
    async () => {
      const payer = await opened('Outage Payer', 10_000);
      const payee = await opened('Outage Payee', 0);
      const before = await readUserEvents(client);
      const ids = {
        open: newCommandId(),
        deposit: newCommandId(),
        rename: newCommandId(),
        payFromModel: newCommandId(),
        payFromStore: newCommandId(),
      };
      const pay = (commandId: string, decisionSource: CommandDeps['decisionSource']) =>
        makePayment({ commandId, payerAccountNumber: payer, payeeAccountNumber: payee, amountCents: 250 }, { ...deps, decisionSource });
      const commands = {
        open: () => openAccount({ commandId: ids.open, holderName: 'Never Opened', openingBalanceCents: 100 }, deps),
        deposit: () => deposit({ commandId: ids.deposit, accountNumber: payer, amountCents: 500 }, deps),
        rename: () => changeHolderName({ commandId: ids.rename, accountNumber: payer, holderName: 'Renamed Payer' }, deps),
        // The read model has no row (no worker here): it looks in the store, which is down.
        payFromModel: () => pay(ids.payFromModel, 'read-model'),
        payFromStore: () => pay(ids.payFromStore, 'event-store'),
      };

      await stopStore();
      const answers = [];
      for (const [what, run] of Object.entries(commands)) answers.push(await timed(what, run));
      // The test's timeout bounds the wait; the figures are for people reading the log.
      console.log(`[store-outage] answers with the store down: ${answers.map((a) => `${a.what} ${a.ms} ms`).join(', ')}`);
      for (const { what, result } of answers) {
        expect(result, what).toMatchObject({
          ok: false,
          code: 'unavailable',
          message: expect.stringMatching(/temporarily unavailable.*not done/),
        });
      }

      await startStore();
      await storeReachable();
      // The read-model payment needs the query model to decide once the store is back.
      worker = startProjectionWorker({ client, db: env.db, group: 'store-outage', logger: quietLogger });
      // Nothing half-written: no claim and no account event for any of them; the store is as before.
      for (const commandId of Object.values(ids)) {
        expect(await readCommandRecord(client, commandId)).toBeNull();
        expect(await accountEventsOf(commandId)).toEqual([]);
      }
      expect((await readUserEvents(client)).map((e) => e.id)).toEqual(before.map((e) => e.id));

      // The same forms submitted again now succeed, once each.
      for (const [what, run] of Object.entries(commands)) {
        const result = await eventually(`${what} to succeed after the store is back`, async () => {
          const again = await run();
          return again.ok ? again : null;
        });
        expect(result.ok, what).toBe(true);
      }
      for (const commandId of Object.values(ids)) {
        expect(await readCommandRecord(client, commandId)).not.toBeNull();
        expect(await accountEventsOf(commandId)).toHaveLength(1);
      }
    },
  );

  it(
    'commands in flight when the store stops leave no account event without its claim, and complete exactly once on retry',
    { timeout: 120_000 },
    async () => {
      const account = await opened('In Flight', 0);
      const commandIds = Array.from({ length: 40 }, () => newCommandId());
      const depositOf = (commandId: string) => deposit({ commandId, accountNumber: account, amountCents: 100 }, deps);

      // Deposits run one after another in two lanes; the store stops while they are under way.
      const results = new Map<string, CommandResult>();
      let next = 0;
      const lane = async () => {
        while (next < commandIds.length) {
          const commandId = commandIds[next++]!;
          results.set(commandId, await depositOf(commandId));
        }
      };
      const lanes = Promise.all([lane(), lane()]);
      await eventually('some deposits to be answered', () => results.size >= 4);
      await stopStore();
      await lanes;

      const codes = [...results.values()].map((r) => (r.ok ? 'ok' : r.code));
      console.log(`[store-outage] in-flight deposits answered: ${JSON.stringify(countBy(codes))}`);
      // The two lanes share one account, so a deposit can also lose its decide-again rounds to the other ("conflict").
      expect(codes.filter((code) => !['ok', 'unavailable', 'unknown', 'conflict'].includes(code))).toEqual([]);
      expect(codes).toContain('unavailable');

      await startStore();
      await storeReachable();
      for (const commandId of commandIds) {
        const result = results.get(commandId)!;
        const claim = await readCommandRecord(client, commandId);
        const events = await accountEventsOf(commandId);
        // Never an account event without its claim, never two.
        expect(events.length, commandId).toBeLessThanOrEqual(1);
        if (events.length === 1) expect(claim, commandId).not.toBeNull();
        // What the answer said is true: ok was written (both); "unavailable" and "conflict" wrote no account event.
        if (result.ok) {
          expect(claim, commandId).not.toBeNull();
          expect(events, commandId).toHaveLength(1);
        } else if (result.code === 'unavailable' || result.code === 'conflict') {
          expect(events, commandId).toEqual([]);
        }
      }

      // Every form submitted again completes exactly once: 40 deposits of 1.00, no more, no less.
      for (const commandId of commandIds) {
        const again = await eventually(`deposit ${commandId} to succeed on retry`, async () => {
          const result = await depositOf(commandId);
          return result.ok ? result : null;
        });
        expect(again.ok).toBe(true);
      }
      const stream = await readStreamEvents(client, accountStream(account));
      const deposits = stream.filter((event) => event.type === 'MoneyDeposited');
      expect(deposits).toHaveLength(commandIds.length);
      expect(new Set(deposits.map((event) => (event.metadata as { commandId: string }).commandId))).toEqual(new Set(commandIds));
    },
  );
});

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
