import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEventStore } from '@eventbank/embedded-eventstore';
import { deposit, makePayment, openAccount, type CommandDeps, type CommandResult } from '@/lib/commands';
import { createDb, type DbHandle } from '@/lib/db/client';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '@/lib/db/embedded-postgres';
import { eventIndex } from '@/lib/db/schema';
import { migrate } from '@/lib/db/migrate';
import { createEventStoreClient } from '@/lib/eventstore/connection/client';
import { readStreamEvents } from '@/lib/eventstore/connection/read-stream';
import { accountStream } from '@/lib/eventstore/serialization/streams';
import { getAccount, getAccountHistory, listStreamHolds, waitForAccountRevision } from '@/lib/queries';
import { startProjectionWorker, type Logger, type ProjectionWorker } from '@/worker/subscription';
import { freePort } from '../support/free-port';
import { inArray, sql } from 'drizzle-orm';
import { eventually, openProjectedAccount, quietLogger } from './support/environment';

// PostgreSQL is stopped and started again under the app: its own server, not the shared test one.
let dir: string;
let port: number;
let pg: EmbeddedPostgresHandle;
let handle: DbHandle;
let store: Awaited<ReturnType<typeof startEventStore>>;
let deps: CommandDeps;
let worker: ProjectionWorker;

const startPostgres = () => startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres'), port });
/** What the worker said about failures: proof that it met the outage rather than missed it. */
const workerFailures: string[] = [];
const recordingLogger: Logger = {
  ...quietLogger,
  warn: (...args: unknown[]) => void workerFailures.push(args.map(String).join(' ')),
  error: (...args: unknown[]) => void workerFailures.push(args.map(String).join(' ')),
};
const startWorker = () =>
  (worker = startProjectionWorker({ client: deps.eventStore, db: deps.db, group: 'outage', logger: recordingLogger }));

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'eventbank-outage-'));
  await chmod(dir, 0o755);
  port = await freePort();
  pg = await startPostgres();
  const databaseUrl = await pg.createDatabase('outage');
  await migrate(databaseUrl);
  handle = createDb(databaseUrl);
  store = await startEventStore({ port: 0, mem: true });
  deps = { eventStore: createEventStoreClient(store.connectionString), db: handle.db, catchUpTimeoutMs: 5_000 };
  startWorker();
}, 120_000);

afterAll(async () => {
  await worker?.stop().catch(() => {});
  await deps?.eventStore.dispose().catch(() => {});
  await handle?.close().catch(() => {});
  await store?.close();
  await pg?.stop();
  await rm(dir, { recursive: true, force: true });
});

const open = (holderName: string, openingBalanceCents: number) => openProjectedAccount(deps, holderName, openingBalanceCents);

async function timed(run: () => Promise<CommandResult>) {
  const started = performance.now();
  const result = await run();
  return { result, ms: Math.round(performance.now() - started) };
}

describe('PostgreSQL down', () => {
  it('payments fail fast with a clear message, and work again soon after it returns', { timeout: 180_000 }, async () => {
    const payer = await open('Payer', 10_000);
    const payee = await open('Payee', 0);
    const pay = (source: CommandDeps['decisionSource']) =>
      makePayment(
        { commandId: randomUUID(), payerAccountNumber: payer, payeeAccountNumber: payee, amountCents: 100 },
        { ...deps, decisionSource: source },
      );

    await worker.stop();
    await pg.stop();

    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await timed(() => pay('read-model')));
    console.log(`[outage] read-model payments with PostgreSQL down answered in ${answers.map((a) => a.ms).join(', ')} ms`);
    for (const { result } of answers) {
      expect(result).toMatchObject({
        ok: false,
        code: 'unavailable',
        message: expect.stringMatching(/database is unavailable.*nothing was done/),
      });
    }
    // The event-store source does not need the query model: the store decides (credits count as 0).
    const fromStore = await timed(() => pay('event-store'));
    console.log(`[outage] an event-store payment with PostgreSQL down answered in ${fromStore.ms} ms`);
    expect(fromStore.result.ok).toBe(true);

    pg = await startPostgres();
    const restarted = performance.now();
    startWorker(); // it has the event-store payment to apply before the read model can decide again
    const back = await eventually('a payment after PostgreSQL is back', async () => {
      const { result } = await timed(() => pay('read-model'));
      return result.ok ? result : null;
    });
    console.log(`[outage] first successful read-model payment ${Math.round(performance.now() - restarted)} ms after PostgreSQL was back`);
    expect(await waitForAccountRevision(payer, back.streamRevision, { timeoutMs: 15_000 }, deps.db)).toBe(true);
  });
});

describe('PostgreSQL down under a running worker', () => {
  it('the worker resumes by itself: every event applied once, balances right, nothing held or parked', { timeout: 180_000 }, async () => {
    const a = await open('Worker A', 5_000);
    const b = await open('Worker B', 1_000);
    const storeOnly: CommandDeps = { ...deps, decisionSource: 'event-store' };
    const ok = async (result: Promise<CommandResult>) => {
      const answered = await result;
      if (!answered.ok) throw new Error(answered.message);
      return answered;
    };

    const failuresBefore = workerFailures.length;
    await pg.stop(); // the worker keeps running
    // Commands that need only the store go on while PostgreSQL is down; the worker receives them.
    const c = (await ok(openAccount({ commandId: randomUUID(), holderName: 'Worker C', openingBalanceCents: 700 }, storeOnly)))
      .accountNumber;
    await ok(deposit({ commandId: randomUUID(), accountNumber: a, amountCents: 250 }, storeOnly));
    await ok(makePayment({ commandId: randomUUID(), payerAccountNumber: a, payeeAccountNumber: b, amountCents: 1_000 }, storeOnly));
    await ok(makePayment({ commandId: randomUUID(), payerAccountNumber: b, payeeAccountNumber: c, amountCents: 300 }, storeOnly));
    await ok(makePayment({ commandId: randomUUID(), payerAccountNumber: c, payeeAccountNumber: a, amountCents: 50 }, storeOnly));
    await eventually('the worker to meet the outage', () => workerFailures.length > failuresBefore);

    pg = await startPostgres();
    const expected = new Map([
      [a, 5_000n + 250n - 1_000n + 50n],
      [b, 1_000n + 1_000n - 300n],
      [c, 700n + 300n - 50n],
    ]);
    await eventually(
      'every balance to be projected',
      async () => {
        for (const [account, balance] of expected) {
          if ((await getAccount(account, deps.db))?.balanceCents !== balance) return false;
        }
        return true;
      },
      60_000,
    );

    // Each account event of these streams indexed exactly once, each timeline entry once.
    const accounts = [...expected.keys()];
    const stored = (await Promise.all(accounts.map((account) => readStreamEvents(deps.eventStore, accountStream(account))))).flat();
    await eventually('every event to be indexed', async () => {
      const [row] = await deps.db
        .select({ n: sql<number>`count(*)::int` })
        .from(eventIndex)
        .where(inArray(eventIndex.accountNumber, accounts));
      return row?.n === stored.length;
    });
    const indexed = await deps.db
      .select({ eventId: eventIndex.eventId })
      .from(eventIndex)
      .where(inArray(eventIndex.accountNumber, accounts));
    expect(indexed.map((row) => row.eventId).sort()).toEqual(stored.map((event) => event.id).sort());
    for (const account of accounts) {
      const entries = (await getAccountHistory(account, { pageSize: 100 }, deps.db)).entries;
      // Own events plus the payments received: 3 payments, each received once.
      const own = stored.filter((event) => event.streamId === accountStream(account)).length;
      const received = stored.filter(
        (event) => event.type === 'PaymentMade' && (event.data as { payeeAccountNumber: string }).payeeAccountNumber === account,
      ).length;
      expect(entries, account).toHaveLength(own + received);
      expect(new Set(entries.map((entry) => `${entry.eventId}:${entry.kind}`)).size, account).toBe(entries.length);
    }
    expect(await listStreamHolds(deps.db)).toEqual([]);
    expect((await deps.eventStore.getPersistentSubscriptionToAllInfo('outage')).stats.parkedMessageCount).toBe(0n);
  });
});
