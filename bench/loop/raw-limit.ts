// The limit the catch-up is judged against: how fast this machine's PostgreSQL accepts the rows
// the projection wrote for a backlog (timeline entries, index rows, account rows), written by a
// bare script in batches, one transaction each, with no logic at all. Into tables made as a
// rebuild makes its copy (worker/rebuild-schema.ts), with every index from the start, or with
// the indexes only the pages use built after the load, as a rebuild does (`indexesAtEnd`).
import { sql } from 'drizzle-orm';
import { arrayLiteral } from '@/lib/db/array-literal';
import type { Db } from '@/lib/db/client';
import { READ_MODEL_SCHEMA } from '@/lib/db/schema';
import { buildDeferredIndexes, prepareCopy } from '@/worker/rebuild-schema';
import { since } from './stats';

export async function rawBatchedRate(
  db: Db,
  batchEvents: number,
  options: { indexesAtEnd?: boolean } = {},
): Promise<{ eventsPerSecond: number; events: number; seconds: number }> {
  const copy = await prepareCopy(db, READ_MODEL_SCHEMA, 'bench_raw', ['accounts', 'account_history', 'event_index']);
  if (!options.indexesAtEnd) await buildDeferredIndexes(db, copy);
  const index = await db.execute<Record<string, string | null>>(
    sql`select position::text, event_id::text, stream, revision::text, type, account_number, counterparty, amount::text, search_text, command_id, correlation_id, causation_id, created::text from readmodel.event_index order by position`,
  );
  const history = await db.execute<Record<string, string | null>>(
    sql`select account_number, kind, amount::text, balance_after::text, counterparty, event_id::text, event_type, stream, revision::text, position::text, occurred_at::text, data::text, metadata::text from readmodel.account_history order by position`,
  );
  const accounts = await db.execute<Record<string, string | null>>(
    sql`select number, holder_name, balance::text, revision::text, opened_at::text, updated_at::text from readmodel.accounts`,
  );
  const historyByPosition = new Map<string, Record<string, string | null>[]>();
  for (const row of history) historyByPosition.set(row.position!, [...(historyByPosition.get(row.position!) ?? []), row]);
  const accountRows = new Map(accounts.map((a) => [a.number!, a]));

  const started = process.hrtime.bigint();
  for (let i = 0; i < index.length; i += batchEvents) {
    const batch = index.slice(i, i + batchEvents);
    const h = batch.flatMap((e) => historyByPosition.get(e.position!) ?? []);
    const touched = [...new Set(h.map((r) => r.account_number!))]
      .map((n) => accountRows.get(n))
      .filter((a): a is Record<string, string | null> => a !== undefined);
    const col = (rows: readonly Record<string, string | null>[], name: string) => arrayLiteral(rows.map((r) => r[name] ?? null));
    await db.transaction(async (tx) => {
      await tx.execute(sql`insert into bench_raw.accounts select * from unnest(${col(touched, 'number')}::text[], ${col(touched, 'holder_name')}::text[],
        ${col(touched, 'balance')}::text[]::bigint[], ${col(touched, 'revision')}::text[]::bigint[], ${col(touched, 'opened_at')}::text[]::timestamptz[], ${col(touched, 'updated_at')}::text[]::timestamptz[])
        on conflict (number) do update set balance = excluded.balance, revision = excluded.revision, updated_at = excluded.updated_at`);
      await tx.execute(sql`insert into bench_raw.account_history select * from unnest(${col(h, 'account_number')}::text[], ${col(h, 'kind')}::text[], ${col(h, 'amount')}::text[]::bigint[],
        ${col(h, 'balance_after')}::text[]::bigint[], ${col(h, 'counterparty')}::text[], ${col(h, 'event_id')}::text[]::uuid[], ${col(h, 'event_type')}::text[], ${col(h, 'stream')}::text[],
        ${col(h, 'revision')}::text[]::bigint[], ${col(h, 'position')}::text[]::bigint[], ${col(h, 'occurred_at')}::text[]::timestamptz[], ${col(h, 'data')}::text[]::jsonb[], ${col(h, 'metadata')}::text[]::jsonb[])`);
      await tx.execute(sql`insert into bench_raw.event_index select * from unnest(${col(batch, 'position')}::text[]::bigint[], ${col(batch, 'event_id')}::text[]::uuid[], ${col(batch, 'stream')}::text[],
        ${col(batch, 'revision')}::text[]::bigint[], ${col(batch, 'type')}::text[], ${col(batch, 'account_number')}::text[], ${col(batch, 'counterparty')}::text[], ${col(batch, 'amount')}::text[]::bigint[],
        ${col(batch, 'search_text')}::text[], ${col(batch, 'command_id')}::text[], ${col(batch, 'correlation_id')}::text[], ${col(batch, 'causation_id')}::text[], ${col(batch, 'created')}::text[]::timestamptz[])`);
    });
  }
  if (options.indexesAtEnd) await buildDeferredIndexes(db, copy);
  const seconds = since(started) / 1000;
  await db.execute(sql.raw('drop schema bench_raw cascade'));
  return { eventsPerSecond: index.length / seconds, events: index.length, seconds };
}
