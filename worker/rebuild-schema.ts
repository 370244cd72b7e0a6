import { sql } from 'drizzle-orm';
import { arrayLiteral } from '@/lib/db/array-literal';
import type { Db } from '@/lib/db/client';

/**
 * The empty copy of the read model a rebuild fills, made from the live tables as they are in
 * the database (whatever migrations they have had).
 *
 * Every index keeps its live name: `CREATE TABLE ... LIKE ... INCLUDING ALL` would name them
 * after their columns, and after the swap a later migration that names an index would not find
 * it. The indexes that keep the projection idempotent (primary keys, unique indexes: the
 * `on conflict` targets) exist from the start; the others only serve the pages, so they are
 * built once over the filled tables before the swap (`buildDeferredIndexes`). Maintaining them
 * row by row was half of PostgreSQL's time for these rows (bench/loop/raw-limit.ts measures
 * both ways); one build over the whole table costs about a second per 100,000 events.
 */
export type CopyPlan = { deferredIndexes: string[] };

type IndexRow = { table: string; name: string; definition: string; is_unique: boolean; constraint_def: string | null };

export async function prepareCopy(db: Db, live: string, copy: string, tables: readonly string[]): Promise<CopyPlan> {
  const indexes = await db.execute<IndexRow>(sql`
    select t.relname as table, i.relname as name, pg_get_indexdef(i.oid) as definition, x.indisunique as is_unique,
      pg_get_constraintdef(c.oid) as constraint_def
    from pg_index x
    join pg_class i on i.oid = x.indexrelid
    join pg_class t on t.oid = x.indrelid
    join pg_namespace n on n.oid = t.relnamespace
    left join pg_constraint c on c.conindid = x.indexrelid and c.conrelid = t.oid and c.contype in ('p', 'u')
    where n.nspname = ${live} and t.relname = any(${arrayLiteral(tables)}::text[])
    order by t.relname, i.relname`);
  const deferredIndexes: string[] = [];
  await db.transaction(async (tx) => {
    await tx.execute(sql.raw(`drop schema if exists ${quote(copy)} cascade`));
    await tx.execute(sql.raw(`create schema ${quote(copy)}`));
    for (const table of tables) {
      await tx.execute(
        sql.raw(`create table ${quote(copy)}.${quote(table)} (like ${quote(live)}.${quote(table)} including all excluding indexes)`),
      );
    }
    for (const index of indexes) {
      if (index.constraint_def !== null) {
        await tx.execute(
          sql.raw(`alter table ${quote(copy)}.${quote(index.table)} add constraint ${quote(index.name)} ${index.constraint_def}`),
        );
      } else {
        const definition = inSchema(index.definition, live, copy);
        if (index.is_unique) await tx.execute(sql.raw(definition));
        else deferredIndexes.push(definition);
      }
    }
  });
  return { deferredIndexes };
}

/**
 * Index builds running at once. PostgreSQL builds each index in one process, so one at a time left
 * a core of this 2-core machine idle: the copy's indexes for 100,000 events took 0.61-0.86 s two at
 * a time, against 0.82-1.21 s one after another.
 */
const INDEX_BUILDS_AT_ONCE = 2;

/** The indexes left out while the copy was filled, built over the whole of it. */
export async function buildDeferredIndexes(db: Db, plan: CopyPlan): Promise<void> {
  const queue = [...plan.deferredIndexes];
  let failed = false;
  const builder = async () => {
    for (let definition = queue.shift(); definition !== undefined && !failed; definition = queue.shift()) {
      await db.execute(sql.raw(definition)).catch((error: unknown) => {
        failed = true;
        throw error;
      });
    }
  };
  // Settled, not raced: a failed build returns only once the other has stopped, starting no more.
  const results = await Promise.allSettled(Array.from({ length: INDEX_BUILDS_AT_ONCE }, builder));
  for (const result of results) if (result.status === 'rejected') throw result.reason;
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** An index definition from pg_get_indexdef, moved to another schema (its name is schema-local). */
export function inSchema(definition: string, from: string, to: string): string {
  const on = /^(CREATE (?:UNIQUE )?INDEX \S+ ON (?:ONLY )?)("?)([^".\s]+)\2\./;
  const match = on.exec(definition);
  if (!match || match[3] !== from) throw new Error(`unexpected index definition: ${definition}`);
  return definition.replace(on, `$1${quote(to)}.`);
}
