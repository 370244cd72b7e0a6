import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEventStore } from '@eventbank/embedded-eventstore';
import { makePayment, openAccount, type CommandDeps, type CommandResult } from '@/lib/commands';
import { createDb, type DbHandle } from '@/lib/db/client';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '@/lib/db/embedded-postgres';
import { migrate } from '@/lib/db/migrate';
import { createEventStoreClient } from '@/lib/eventstore/client';
import { waitForAccountRevision } from '@/lib/queries';
import { startProjectionWorker, type ProjectionWorker } from '@/worker/subscription';
import { freePort } from '../support/free-port';
import { eventually, quietLogger } from './support/environment';

// PostgreSQL is stopped and started again under the app: its own server, not the shared test one.
let dir: string;
let port: number;
let pg: EmbeddedPostgresHandle;
let handle: DbHandle;
let store: Awaited<ReturnType<typeof startEventStore>>;
let deps: CommandDeps;
let worker: ProjectionWorker;

const startPostgres = () => startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres'), port });
const startWorker = () => (worker = startProjectionWorker({ client: deps.eventStore, db: deps.db, group: 'outage', logger: quietLogger }));

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

async function open(holderName: string, openingBalanceCents: number) {
  const result = await openAccount({ commandId: randomUUID(), holderName, openingBalanceCents }, deps);
  if (!result.ok) throw new Error(result.message);
  expect(await waitForAccountRevision(result.accountNumber, result.streamRevision, { timeoutMs: 15_000 }, deps.db)).toBe(true);
  return result.accountNumber;
}

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
      makePayment({ commandId: randomUUID(), payerAccountNumber: payer, payeeAccountNumber: payee, amountCents: 100 }, { ...deps, decisionSource: source });

    await worker.stop();
    await pg.stop();

    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await timed(() => pay('read-model')));
    console.log(`[outage] read-model payments with PostgreSQL down answered in ${answers.map((a) => a.ms).join(', ')} ms`);
    for (const { result } of answers) {
      expect(result).toMatchObject({ ok: false, code: 'unavailable', message: expect.stringMatching(/database is unavailable.*nothing was done/) });
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
