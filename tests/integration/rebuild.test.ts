import { FORWARDS, jsonEvent, START } from '@eventstore/db-client';
import { asc, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeHolderName, deposit, makePayment, openAccount } from '@/lib/commands';
import type { Db } from '@/lib/db/client';
import { migrate } from '@/lib/db/migrate';
import { accountHistory, accounts, eventIndex, projectionCheckpoint, projectionHolds, rebuildRuns } from '@/lib/db/schema';
import { fromRecorded } from '@/lib/eventstore/serialization/events';
import { accountStream } from '@/lib/eventstore/serialization/streams';
import { waitForAccountRevision } from '@/lib/queries';
import { eventIndexHead } from '@/lib/queries/live';
import type { RebuildProgress } from '@/lib/rebuild-progress';
import { requestRebuild } from '@/lib/rebuild-requests';
import { accountNumberFor } from '@/lib/eventstore/serialization/ids';
import { runReconciliation } from '@/lib/reconciliation/run';
import { pagesOfAll, RebuildRunningError, runRebuild } from '@/worker/rebuild';
import { startOperationsRunner } from '@/worker/operations-runner';
import { buildDeferredIndexes } from '@/worker/rebuild-schema';
import {
  eventually,
  newCommandId,
  ok,
  quietLogger,
  startTestEnvironment,
  waitUntilIndexed,
  type TestEnvironment,
} from './support/environment';

let env: TestEnvironment;
let worker: ReturnType<TestEnvironment['startWorker']>;

beforeAll(async () => {
  env = await startTestEnvironment();
  worker = env.startWorker();
});

afterAll(async () => {
  await env?.stop();
});

async function open(name: string, cents: number) {
  const result = ok(await openAccount({ commandId: newCommandId(), holderName: name, openingBalanceCents: cents }, env.deps));
  return result.accountNumber;
}

/** Everything the read model holds, minus the wall-clock stamps of holds and checkpoints. */
async function dump(db: Db) {
  return {
    accounts: await db.select().from(accounts).orderBy(asc(accounts.number)),
    history: await db.select().from(accountHistory).orderBy(asc(accountHistory.accountNumber), asc(accountHistory.position)),
    holds: (await db.select().from(projectionHolds).orderBy(asc(projectionHolds.stream))).map(({ heldAt: _h, ...hold }) => hold),
    index: await db.select().from(eventIndex).orderBy(asc(eventIndex.position)),
    checkpoint: (await db.select().from(projectionCheckpoint)).map((c) => c.position),
  };
}

/** The read model's indexes and constraints, by name, with their definitions. */
async function readModelShape(db: Db) {
  return db.execute<{ name: string; definition: string }>(sql`
    select indexname as name, indexdef as definition from pg_indexes where schemaname = 'readmodel'
    union all
    select c.conname, pg_get_constraintdef(c.oid) from pg_constraint c
    join pg_namespace n on n.oid = c.connamespace where n.nspname = 'readmodel'
    order by 1, 2`);
}

async function someHistory() {
  const a = await open('Ada', 10_000);
  const b = await open('Bob', 500);
  const c = await open('Cy', 0);
  ok(await deposit({ commandId: newCommandId(), accountNumber: b, amountCents: 250 }, env.deps));
  const paid = ok(
    await makePayment(
      { commandId: newCommandId(), payerAccountNumber: a, payeeAccountNumber: c, amountCents: 1_234, reference: 'rent' },
      env.deps,
    ),
  );
  ok(await changeHolderName({ commandId: newCommandId(), accountNumber: c, holderName: 'Cyrus' }, env.deps));
  // A poison event: the projection holds its stream, here and in a rebuild alike.
  await env.client.appendToStream(
    accountStream(b),
    jsonEvent({ type: 'HolderNameChanged', data: { accountNumber: b, holderName: 'Eve\u202e', previousHolderName: 'Bob' } }),
  );
  expect(await waitForAccountRevision(a, paid.streamRevision, { timeoutMs: 15_000 }, env.db)).toBe(true);
  return { a, b, c };
}

describe('rebuild', () => {
  it('replays the store into fresh tables and swaps them in: the same read model, holds included, with progress', async () => {
    await someHistory();
    await eventually('the poison event to be held', async () => (await env.db.select().from(projectionHolds)).length > 0);
    await waitUntilIndexed(env);
    const before = await dump(env.db);
    const progress: RebuildProgress[] = [];
    const result = await runRebuild({
      client: env.client,
      db: env.db,
      batchSize: 7,
      progressEveryMs: 0,
      onProgress: (p) => progress.push(p),
    });
    expect(result.applied).toBeGreaterThan(0);
    expect(await dump(env.db)).toEqual(before);
    expect(progress.at(-1)).toMatchObject({ phase: 'done', fraction: 1 });
    expect(progress.some((p) => p.phase === 'replaying' && p.fraction > 0 && p.fraction < 1)).toBe(true);
    expect([...new Set(progress.map((p) => p.phase))]).toEqual(['replaying', 'indexing', 'swapping', 'done']);
    const [run] = await env.db
      .select()
      .from(rebuildRuns)
      .where(sql`id = ${result.runId}`);
    expect(run).toMatchObject({ status: 'done', message: 'done' });
    const schemas = await env.db.execute<{ nspname: string }>(
      sql`select nspname from pg_namespace where nspname like 'readmodel%' order by 1`,
    );
    expect(schemas.map((s) => s.nspname)).toEqual(['readmodel']);
  });

  it('fills the copy the same with few accounts in memory: the pages read the others back', async () => {
    await someHistory();
    await waitUntilIndexed(env);
    const before = await dump(env.db);
    await runRebuild({ client: env.client, db: env.db, batchSize: 3, cachedAccounts: 1 });
    expect(await dump(env.db)).toEqual(before);
  });

  it('fills the copy again the careful way when PostgreSQL refuses a page, holding only the refused stream', async () => {
    // Without a poison event: a page that holds one is replayed the careful way from the start.
    const [a, b, c] = [await open('Ada', 100), await open('Bob', 200), await open('Cy', 300)];
    const first = ok(await deposit({ commandId: newCommandId(), accountNumber: a, amountCents: 1 }, env.deps));
    const refused = ok(await deposit({ commandId: newCommandId(), accountNumber: a, amountCents: 2 }, env.deps));
    ok(await deposit({ commandId: newCommandId(), accountNumber: c, amountCents: 7 }, env.deps));
    await waitUntilIndexed(env);
    const before = await dump(env.db);
    // As the rebuild decodes them, these two deposits take the balance past PostgreSQL's bigint.
    const decode: typeof fromRecorded = (recorded) => {
      const decoded = fromRecorded(recorded);
      const huge = recorded.streamId === accountStream(a) && [first.streamRevision, refused.streamRevision].includes(recorded.revision);
      if (!huge || decoded.kind !== 'account' || decoded.value.event.type !== 'MoneyDeposited') return decoded;
      const event = { ...decoded.value.event, data: { ...decoded.value.event.data, amountCents: 5e18 } };
      return { ...decoded, value: { ...decoded.value, event } };
    };
    await runRebuild({ client: env.client, db: env.db, batchSize: 2, decode });
    const after = await dump(env.db);
    const hold = after.holds.find((h) => h.stream === accountStream(a));
    expect(hold).toMatchObject({ revision: refused.streamRevision });
    // PostgreSQL's words, not Drizzle's wrapper with the statement and its parameters.
    expect(hold?.reason).toMatch(/^database refused it: value "\d+" is out of range for type bigint$/);
    const rowOf = (dumped: typeof before, n: string) => dumped.accounts.find((r) => r.number === n);
    for (const n of [b, c]) expect(rowOf(after, n)).toEqual(rowOf(before, n));
    expect(rowOf(after, a)?.revision).toBe(first.streamRevision);
    expect(after.index.map((e) => e.eventId)).toEqual(before.index.map((e) => e.eventId));
    // The next rebuild, decoding as the worker does, gives the read model back whole.
    await runRebuild({ client: env.client, db: env.db });
    expect(await dump(env.db)).toEqual(before);
  });

  it('keeps serving and projecting while it runs, and ends equal to a replay', { timeout: 120_000 }, async () => {
    const { a, c } = await someHistory();
    let stop = false;
    const load = (async () => {
      let made = 0;
      while (!stop) {
        ok(await deposit({ commandId: newCommandId(), accountNumber: c, amountCents: 1 }, env.deps));
        await makePayment({ commandId: newCommandId(), payerAccountNumber: a, payeeAccountNumber: c, amountCents: 1 }, env.deps);
        made += 1;
      }
      return made;
    })();
    await eventually('some load before the rebuild starts', async () => (await eventIndexHead(env.db)) !== null);
    await runRebuild({ client: env.client, db: env.db, batchSize: 25 });
    stop = true;
    expect(await load).toBeGreaterThan(0);
    await waitUntilIndexed(env);
    const afterLiveRebuild = await dump(env.db);
    // A quiet rebuild of the same store must find exactly what the live one left.
    await runRebuild({ client: env.client, db: env.db });
    expect(await dump(env.db)).toEqual(afterLiveRebuild);
  });

  it('leaves the read model with the indexes and constraints the migrations made, by name', async () => {
    // The copy is filled before most of its indexes exist and they are built at the end: a
    // rebuild that forgot one, or renamed one (a later migration names them), would show here.
    const before = await readModelShape(env.db);
    expect(before.map((i) => i.name)).toContain('event_index_search_idx');
    await someHistory();
    await waitUntilIndexed(env);
    await runRebuild({ client: env.client, db: env.db });
    expect(await readModelShape(env.db)).toEqual(before);
  });

  it('gives a read model rebuilt by an earlier release its index names back (migration 0007)', async () => {
    // 0007 as drizzle/meta/_journal.json dates it: it and every later migration run again.
    const MIGRATION_0007_WHEN = 1796570848995;
    const { db, databaseUrl } = await env.createDatabase();
    const migrated = await readModelShape(db);
    // What CREATE TABLE ... LIKE named them, as rebuilds did before.
    await db.execute(
      sql.raw(`alter index readmodel.event_index_search_idx rename to event_index_search_text_idx;
        alter index readmodel.accounts_opened_number_idx rename to accounts_opened_at_number_idx;
        alter index readmodel.event_index_command_idx rename to event_index_command_id_idx;
        alter table readmodel.account_history rename constraint account_history_account_number_position_pk to account_history_pkey;
        delete from drizzle.__drizzle_migrations where created_at >= ${MIGRATION_0007_WHEN};`),
    );
    expect(await readModelShape(db)).not.toEqual(migrated);
    await migrate(databaseUrl);
    expect(await readModelShape(db)).toEqual(migrated);
  });

  it('refuses a second rebuild while one runs', async () => {
    await someHistory();
    let second: unknown;
    await runRebuild({
      client: env.client,
      db: env.db,
      beforeSwap: async () => {
        second = await runRebuild({ client: env.client, db: env.db }).catch((error: unknown) => error);
      },
    });
    expect(second).toBeInstanceOf(RebuildRunningError);
  });

  it('leaves the live tables untouched when it fails part way, and the next one succeeds', async () => {
    await someHistory();
    await waitUntilIndexed(env);
    const before = await dump(env.db);
    await expect(
      runRebuild({
        client: env.client,
        db: env.db,
        beforeSwap: async () => {
          throw new Error('power cut');
        },
      }),
    ).rejects.toThrow('power cut');
    expect(await dump(env.db)).toEqual(before);
    const [failed] = await env.db
      .select()
      .from(rebuildRuns)
      .where(sql`status = 'failed'`);
    expect(failed?.message).toContain('power cut');
    await runRebuild({ client: env.client, db: env.db });
    expect(await dump(env.db)).toEqual(before);
  });

  it('runs a rebuild requested from the app, and refuses a second request while it is pending', async () => {
    await someHistory();
    await waitUntilIndexed(env);
    const before = await dump(env.db);
    const first = await requestRebuild(env.db);
    expect(first.accepted).toBe(true);
    const second = await requestRebuild(env.db);
    expect(second).toMatchObject({ accepted: false, active: { status: 'requested' } });
    const runner = startOperationsRunner({ client: env.client, db: env.db, logger: quietLogger });
    try {
      const id = first.accepted ? first.run.id : '';
      await eventually(
        'the requested rebuild to finish',
        async () =>
          (
            await env.db
              .select()
              .from(rebuildRuns)
              .where(sql`id = ${id}`)
          )[0]?.status === 'done',
      );
    } finally {
      await runner.stop();
      await runner.idle();
    }
    expect(await dump(env.db)).toEqual(before);
  });

  it('rebuilds a read model that predates the event index when the worker starts', async () => {
    await someHistory();
    await waitUntilIndexed(env);
    const before = await dump(env.db);
    await env.db.execute(sql`truncate readmodel.event_index`);
    const runner = startOperationsRunner({ client: env.client, db: env.db, logger: quietLogger });
    try {
      await eventually('the index to be filled again', async () => (await eventIndexHead(env.db)) !== null);
      await runner.idle();
    } finally {
      await runner.stop();
    }
    expect(await dump(env.db)).toEqual(before);
  });

  describe('a worker finding the read model empty while the store has history', () => {
    /** Some history, projected; then the worker stopped and the read model emptied, as after losing PostgreSQL's data. */
    const historyThenEmpty = async () => {
      const accounts = await someHistory();
      await waitUntilIndexed(env);
      const before = await dump(env.db);
      await worker.stop();
      await env.db.execute(
        sql.raw(
          'truncate readmodel.accounts, readmodel.account_history, readmodel.event_index, readmodel.projection_checkpoint, readmodel.projection_holds',
        ),
      );
      return { ...accounts, before };
    };
    const filledAgain = async (before: Awaited<ReturnType<typeof dump>>) => {
      await eventually('the read model to be filled', async () => ((await eventIndexHead(env.db)) ?? 0n) >= before.index.at(-1)!.position);
      expect(await dump(env.db)).toEqual(before);
    };

    it('fills it from the store, though its group had delivered everything before (PostgreSQL lost, the store kept)', async () => {
      const { a, before } = await historyThenEmpty();
      // The newest records in $all can be thousands of a group's checkpoints, after the history.
      const checkpoints = Array.from({ length: 1_500 }, (_, i) => jsonEvent({ type: '$SubscriptionCheckpoint', data: { i } }));
      await env.client.appendToStream('$persistentsubscription-test-checkpoint', checkpoints);
      // The group's checkpoint is past every event: it would deliver none of them again.
      worker = env.startWorker({ fillEmptyReadModel: true });
      await filledAgain(before);
      const paid = ok(await deposit({ commandId: newCommandId(), accountNumber: a, amountCents: 1 }, env.deps));
      expect(await waitForAccountRevision(a, paid.streamRevision, { timeoutMs: 15_000 }, env.db)).toBe(true);
    });

    it('starts a new group where the fill ended, so the group does not deliver it all again', async () => {
      const { c, before } = await historyThenEmpty();
      const group = `fresh-${newCommandId().slice(0, 8)}`;
      worker = env.startWorker({ group, fillEmptyReadModel: true });
      await filledAgain(before);
      const info = await eventually('the group', () => env.client.getPersistentSubscriptionToAllInfo(group).catch(() => null));
      // At the end of $all when the fill read it: its last account event, or a command record after it.
      const startFrom = info.settings.startFrom;
      expect(typeof startFrom === 'object' && startFrom.commit >= before.index.at(-1)!.position).toBe(true);
      const paid = ok(await deposit({ commandId: newCommandId(), accountNumber: c, amountCents: 1 }, env.deps));
      expect(await waitForAccountRevision(c, paid.streamRevision, { timeoutMs: 15_000 }, env.db)).toBe(true);
    });
  });

  it('resumes, in the copy as live, a payment held because its payee was opened only later', async () => {
    const payer = await open('Early payer', 1_000);
    const payee = accountNumberFor(`late-payee-${newCommandId()}`);
    await env.client.appendToStream(
      accountStream(payer),
      jsonEvent({ type: 'PaymentMade', data: { payerAccountNumber: payer, payeeAccountNumber: payee, amountCents: 300 } }),
      { expectedRevision: 0n },
    );
    await eventually(
      'the payer to be held on its payee',
      async () =>
        (
          await env.db
            .select()
            .from(projectionHolds)
            .where(sql`stream = ${accountStream(payer)}`)
        ).length > 0,
    );
    await env.client.appendToStream(
      accountStream(payee),
      jsonEvent({ type: 'AccountOpened', data: { accountNumber: payee, holderName: 'Late payee', openingBalanceCents: 0 } }),
      { expectedRevision: 'no_stream' },
    );
    await waitUntilIndexed(env);
    expect(await worker.resume(accountStream(payer))).toBe(true);
    const live = await dump(env.db);
    expect(live.accounts.find((a) => a.number === payee)?.balance).toBe(300n);
    await runRebuild({ client: env.client, db: env.db });
    expect(await dump(env.db)).toEqual(live);
    const report = await runReconciliation({ client: env.client, db: env.db });
    expect(report.differences).toEqual([]);
  });
});

describe("the copy's deferred indexes", () => {
  it('fail with the first build that fails, once no other is running, having started no more', async () => {
    const { db } = await env.createDatabase();
    await db.execute(sql`create table deferred_test as select g as x, g % 7 as y from generate_series(1, 300000) g`);
    const failure = await buildDeferredIndexes(db, {
      deferredIndexes: [
        'create index deferred_x on deferred_test (x)',
        'create index deferred_missing on deferred_test (no_such_column)',
        'create index deferred_y on deferred_test (y)',
        'create index deferred_xy on deferred_test (x, y)',
      ],
    }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(String((failure as { cause?: unknown }).cause ?? failure)).toMatch(/no_such_column/);
    const building = await db.execute(sql`select 1 from pg_stat_activity where query ilike 'create index deferred%' and state = 'active'`);
    expect(building).toHaveLength(0);
    const built = await db.execute<{ name: string }>(sql`select indexname as name from pg_indexes where tablename = 'deferred_test'`);
    expect(built.map((i) => i.name)).not.toContain('deferred_xy');

    await buildDeferredIndexes(db, {
      deferredIndexes: ['create index deferred_xy on deferred_test (x, y)', 'create index deferred_yx on deferred_test (y, x)'],
    });
    const after = await db.execute<{ name: string }>(
      sql`select indexname as name from pg_indexes where tablename = 'deferred_test' order by 1`,
    );
    expect(after.map((i) => i.name)).toEqual(expect.arrayContaining(['deferred_xy', 'deferred_yx']));
  });
});

describe("the fill's pages of $all", () => {
  it('cut one read into pages of the size asked, every record once and in order, the last one short', async () => {
    await someHistory();
    const all = [];
    for await (const resolved of env.client.readAll({ direction: FORWARDS, fromPosition: START })) {
      if (resolved.event?.position) all.push(resolved.event.id);
    }
    // The second size makes a full page of every record read above, then a short one (empty, unless
    // records were appended since: the store is live, and those follow).
    for (const size of [7, all.length]) {
      const pages = [];
      for await (const page of pagesOfAll(env.client, size)) pages.push(page);
      expect(pages.slice(0, -1).every((p) => p.read === size && p.events.length === size)).toBe(true);
      expect(pages.at(-1)!.read).toBeLessThan(size);
      const ids = pages.flatMap((p) => p.events.map((e) => e.id));
      expect(ids.slice(0, all.length)).toEqual(all);
      expect(new Set(ids).size).toBe(ids.length);
      expect(pages.map((p) => p.last?.commit)).toEqual(pages.map((p) => p.events.at(-1)?.position?.commit));
    }
  });

  it('stop reading when returned early', async () => {
    await someHistory();
    const pages = pagesOfAll(env.client, 2);
    const first = await pages.next();
    expect(first.done).toBe(false);
    expect(await pages.return(undefined)).toEqual({ done: true, value: undefined });
    expect(await pages.next()).toEqual({ done: true, value: undefined });
  });
});
