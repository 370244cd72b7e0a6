import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type DbHandle } from '@/lib/db/client';
import { formatProjectionNotice, PROJECTION_CHANNEL } from '@/lib/db/projection-channel';
import { pendingProjectionWaiters, waitForProjection } from '@/lib/db/projection-waiter';
import { waitForAccountRevision } from '@/lib/queries';
import { eventually, startTestEnvironment, type TestEnvironment } from './support/environment';

let env: TestEnvironment;
let other: DbHandle;

beforeAll(async () => {
  env = await startTestEnvironment();
  other = createDb(env.databaseUrl, { max: 1 }); // "the worker": another connection
});

afterAll(async () => {
  await other?.close();
  await env?.stop();
});

const notify = (payload: string) => other.db.execute(sql`select pg_notify(${PROJECTION_CHANNEL}, ${payload})`);

async function listeningConnections(): Promise<number> {
  const rows = await other.db.execute<{ n: string }>(
    sql`select count(*)::text as n from pg_stat_activity where datname = current_database() and query ilike 'listen %'`,
  );
  return Number(rows[0].n);
}

describe('projection waiter', () => {
  it('is woken by a notification from another connection', async () => {
    const waiting = waitForProjection(env.db, '1000000008', 3n, 30_000);
    await eventually(
      'the waiter registered and listening',
      async () => pendingProjectionWaiters(env.db) === 1 && (await listeningConnections()) === 1,
    );
    await notify(formatProjectionNotice({ accountNumber: '1000000008', revision: 2n })); // not far enough
    await notify(formatProjectionNotice({ accountNumber: '2000000006', revision: 9n })); // someone else
    await notify(formatProjectionNotice({ accountNumber: '1000000008', revision: 3n }));
    expect(await waiting).toBe('reached');
    expect(pendingProjectionWaiters(env.db)).toBe(0);
  });

  it('answers held at once when the stream is held', async () => {
    const waiting = waitForProjection(env.db, '1000000008', 10n, 30_000);
    const boolean = waitForAccountRevision('1000000008', 10n, { timeoutMs: 30_000 }, env.db);
    await eventually('both registered', () => pendingProjectionWaiters(env.db) === 2);
    await notify(formatProjectionNotice({ accountNumber: '1000000008', held: true }));
    expect(await waiting).toBe('held');
    expect(await boolean).toBe(false);
  });

  it('times out with false when nothing comes', async () => {
    expect(await waitForAccountRevision('1000000008', 99n, { timeoutMs: 200 }, env.db)).toBe(false);
    expect(await waitForProjection(env.db, '1000000008', 99n, 200)).toBe('timeout');
  });

  it('many concurrent waiters share one listening connection', async () => {
    const accounts = Array.from({ length: 50 }, (_, i) => `${1000000000 + i * 7}`.padStart(10, '0'));
    const waits = accounts.map((account) => waitForProjection(env.db, account, 1n, 30_000));
    await eventually('all registered', () => pendingProjectionWaiters(env.db) === 50);
    expect(await listeningConnections()).toBe(1);
    for (const account of accounts) await notify(`${account}:1`);
    expect(await Promise.all(waits)).toEqual(accounts.map(() => 'reached'));
  });
});
