import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { rawBatchedRate } from '../../bench/loop/raw-limit';
import { openProjectedAccount, startTestEnvironment, type TestEnvironment } from './support/environment';

// bench:loop's limit for the catch-up: the bare script must write what the projection wrote.
let env: TestEnvironment;
beforeAll(async () => {
  env = await startTestEnvironment();
  env.startWorker();
}, 120_000);
afterAll(async () => {
  await env?.stop();
});

it.each([false, true])(
  'writes every projected row again in batches (indexes at the end: %s), then drops its tables',
  async (indexesAtEnd) => {
    // Three events in batches of two; a holder name with what an array literal must quote.
    for (const name of ['Raw "quoted", {braced}', 'Raw\\slash', 'Raw C']) await openProjectedAccount(env.deps, name, 1_000);
    const [{ count }] = await env.db.execute<{ count: string }>(sql`select count(*)::text as count from readmodel.event_index`);

    const raw = await rawBatchedRate(env.db, 2, { indexesAtEnd });
    expect(raw.events).toBe(Number(count));
    expect(raw.eventsPerSecond).toBeGreaterThan(0);
    const [{ left }] = await env.db.execute<{ left: boolean }>(
      sql`select exists (select 1 from pg_namespace where nspname = 'bench_raw') as left`,
    );
    expect(left).toBe(false);
  },
);
