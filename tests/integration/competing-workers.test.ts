import { asc } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deposit, makePayment } from '@/lib/commands';
import { createDb, type Db, type DbHandle } from '@/lib/db/client';
import { accountHistory, accounts, eventIndex, projectionHolds } from '@/lib/db/schema';
import { createEventStoreClient } from '@/lib/eventstore/connection/client';
import { runRebuild } from '@/worker/rebuild';
import { startProjectionWorker, type ProjectionWorker } from '@/worker/subscription';
import {
  newCommandId,
  ok,
  openProjectedAccount,
  quietLogger,
  startTestEnvironment,
  waitUntilIndexed,
  type TestEnvironment,
} from './support/environment';

// Two worker processes of one consumer group, as a deployment that scales the worker out would
// run them: the store shares the deliveries between them, so one account's events are projected
// by both, at the same time and out of order. Each has its own store client and pool.
const GROUP = 'competing-workers';
let env: TestEnvironment;
const workers: ProjectionWorker[] = [];
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  env = await startTestEnvironment();
  for (let i = 0; i < 2; i++) {
    const client = createEventStoreClient(env.eventStoreConnectionString);
    const handle: DbHandle = createDb(env.databaseUrl);
    closers.push(() => client.dispose(), handle.close);
    workers.push(startProjectionWorker({ client, db: handle.db, group: GROUP, logger: quietLogger }));
  }
}, 120_000);

afterAll(async () => {
  for (const worker of workers) await worker.stop();
  for (const close of closers) await close().catch(() => {});
  await env?.stop();
});

/** Everything the read model holds that a replay must reproduce. */
async function dump(db: Db) {
  return {
    accounts: await db.select().from(accounts).orderBy(asc(accounts.number)),
    history: await db.select().from(accountHistory).orderBy(asc(accountHistory.accountNumber), asc(accountHistory.position)),
    index: await db.select().from(eventIndex).orderBy(asc(eventIndex.position)),
  };
}

it('two workers of one group share the deliveries, hold nothing, and leave what a replay makes', { timeout: 180_000 }, async () => {
  const numbers: string[] = [];
  for (let i = 0; i < 6; i++) numbers.push(await openProjectedAccount(env.deps, `Shared ${i}`, 100_000));
  // Four clients paying among six accounts and depositing, so each account's events come close together.
  let deposited = 0n;
  await Promise.all(
    Array.from({ length: 4 }, async (_, client) => {
      for (let n = 0; n < 40; n++) {
        const payer = numbers[(client + n) % numbers.length]!;
        const payee = numbers[(client + 2 * n + 1) % numbers.length]!;
        if (n % 5 === 0) {
          ok(await deposit({ commandId: newCommandId(), accountNumber: payee, amountCents: 3 }, env.deps));
          deposited += 3n;
        } else if (payer !== payee) {
          ok(
            await makePayment(
              { commandId: newCommandId(), payerAccountNumber: payer, payeeAccountNumber: payee, amountCents: 7 },
              env.deps,
            ),
          );
        }
      }
    }),
  );

  await waitUntilIndexed(env, 60_000);
  const info = await env.client.getPersistentSubscriptionToAllInfo(GROUP);
  expect(info.connections).toHaveLength(2);
  for (const connection of info.connections) expect(connection.totalItems).toBeGreaterThan(0n);
  expect(info.stats.parkedMessageCount).toBe(0n);

  expect(await env.db.select().from(projectionHolds)).toEqual([]);
  const live = await dump(env.db);
  const total = live.accounts.reduce((sum, a) => sum + a.balance, 0n);
  expect(total).toBe(BigInt(numbers.length) * 100_000n + deposited);
  await runRebuild({ client: env.client, db: env.db });
  expect(await dump(env.db)).toEqual(live);
});
