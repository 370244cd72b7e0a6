import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDb, type DbHandle } from '@/lib/db/client';
import { startTestEnvironment, type TestEnvironment } from './support/environment';

let env: TestEnvironment;
let handle: DbHandle;

beforeAll(async () => {
  env = await startTestEnvironment();
  // One connection, so the statements below all run in the session that is asked about them.
  handle = createDb(env.databaseUrl, { max: 1 });
}, 120_000);
afterAll(async () => {
  await handle?.close();
  await env?.stop();
});

// patches/drizzle-orm+*.patch: without it every query with parameters is parsed and described in a
// round trip of its own before it runs, and a transaction's statements cannot be pipelined.
it('runs queries with parameters as prepared statements, in a transaction too', async () => {
  const marker = `prepared-${Date.now()}`;
  await handle.db.execute(sql`select ${marker}::text as marker`);
  await handle.db.transaction(async (tx) => {
    await tx.execute(sql`select ${marker}::text as in_transaction`);
  });
  const prepared = await handle.db.execute<{ statement: string }>(
    sql`select statement from pg_prepared_statements where statement like ${'%::text as %'} and statement not like ${'%pg_prepared_statements%'}`,
  );
  expect(prepared.map((row) => row.statement).sort()).toEqual(['select $1::text as in_transaction', 'select $1::text as marker']);
});
