import { randomUUID } from 'node:crypto';
import { BACKWARDS, END, FORWARDS, START, type EventStoreDBClient, type Position, type RecordedEvent } from '@eventstore/db-client';
import { eq, sql } from 'drizzle-orm';
import { isDataError, type Db } from '@/lib/db/client';
import { EVENTS_CHANNEL } from '@/lib/db/projection-channel';
import { READ_MODEL_SCHEMA, rebuildRuns } from '@/lib/db/schema';
import { fromRecorded } from '@/lib/eventstore/serialization/events';
import { accountNumberFromStream } from '@/lib/eventstore/serialization/streams';
import type { BatchEvent } from '@/lib/projections/batch';
import { rebuildProgress, type RebuildProgress } from '@/lib/rebuild-progress';
import { REBUILD_CHANNEL } from '@/lib/rebuild-requests';
import {
  databaseRefused,
  indexEntryOfRecorded,
  isProjected,
  MISSING_PREDECESSOR,
  payeeMissing,
  payeeOf,
  toBatchEvent,
  type Decode,
} from './delivered';
import {
  applyBatch,
  deleteHold,
  findHold,
  findHolds,
  listHolds,
  recordHold,
  recordIndexOnly,
  tablesOf,
  type ReadModelTables,
} from './projector';
import { readStreamEvents } from '@/lib/eventstore/connection/read-stream';
import { buildDeferredIndexes, prepareCopy } from './rebuild-schema';
import { FillBrokenError, FillPipeline } from './fill-pipeline';
import { getLogger } from '@/lib/log';

/**
 * Blue/green rebuild of the read model from the store.
 *
 *  1. One at a time: a session advisory lock on a reserved connection (released by PostgreSQL
 *     if this process dies), and a row in rebuild_runs that shows progress to the terminal and
 *     to /system.
 *  2. A fresh schema `readmodel_next` with a copy of every read-model table (rebuild-schema.ts:
 *     columns, keys and the indexes by their live names, those only the pages use built after
 *     the load), filled by replaying $all from the start through the same projection the worker
 *     uses, in batches. Pages that simply apply in order take the fast path (fill-pipeline.ts:
 *     planned from memory, written while the next is planned); any other page is replayed the
 *     careful way, with the worker's hold policy. The live `readmodel` keeps serving and the
 *     worker keeps projecting into it meanwhile; nothing here writes to it.
 *  3. When a read reaches the end of $all, the swap, in one transaction: lock the live tables
 *     (this waits for the worker's transaction in hand and holds its next one), apply what was
 *     appended since the last read, rename `readmodel` away and `readmodel_next` into its place,
 *     and drop the old one. Readers and the worker then find the new tables by name; the
 *     worker's events delivered afterwards are duplicates there (revision check) or new.
 *
 * A crash anywhere before the swap's commit leaves the live tables untouched; the next rebuild
 * drops the half-filled copy and starts again.
 */
export const NEXT_SCHEMA = 'readmodel_next';
const OLD_SCHEMA = 'readmodel_old';
const TABLES = ['accounts', 'account_history', 'projection_checkpoint', 'projection_holds', 'event_index'] as const;
// Arbitrary but fixed, distinct from the migration lock.
const REBUILD_LOCK_KEY = 7_261_524_032;
/**
 * Events per page and transaction. The worker's memory peak grows with the page (its heap holds
 * the page read ahead too): 191-193 MB with 500, 210-236 MB with 1,000-2,500, which filled an empty
 * read model some 15-20 % faster (bench:loop --phases catchup). The worker's target is 200 MB.
 */
export const DEFAULT_REBUILD_BATCH = 500;

export class RebuildRunningError extends Error {
  constructor(readonly since: Date | null) {
    super(`A rebuild is already running${since ? ` (started ${since.toISOString()})` : ''}; wait for it to finish.`);
    this.name = 'RebuildRunningError';
  }
}

export type RebuildOptions = {
  client: EventStoreDBClient;
  db: Db;
  /** Events read from $all per page, and so the most applied in one transaction. */
  batchSize?: number;
  /** Called at most every progressEveryMs, and once at the end. */
  onProgress?: (progress: RebuildProgress) => void;
  progressEveryMs?: number;
  /** A row of rebuild_runs already created for this run (a request from /system), else one is made. */
  runId?: string;
  decode?: Decode;
  /** Tests: how many accounts the fill keeps in memory (FILL_CACHED_ACCOUNTS). */
  cachedAccounts?: number;
  /** Tests: runs just before the swap takes its locks. */
  beforeSwap?: () => Promise<void>;
};

export type RebuildResult = {
  runId: string;
  events: number;
  applied: number;
  seconds: number;
  /** The last $all position the new read model holds: every event up to it is in it (null: $all was empty). */
  last: Position | null;
  /** Pages of the fill replayed the careful way (held streams, or all of them after PostgreSQL refused a page). */
  carefulPages: number;
};

export async function runRebuild(options: RebuildOptions): Promise<RebuildResult> {
  const { client, db } = options;
  const batchSize = options.batchSize ?? DEFAULT_REBUILD_BATCH;
  const decode = options.decode ?? fromRecorded;
  const lock = await db.$client.reserve();
  try {
    const [lockRow] = await lock<{ locked: boolean }[]>`select pg_try_advisory_lock(${REBUILD_LOCK_KEY}) as locked`;
    if (!lockRow?.locked) {
      const [running] = await db.select().from(rebuildRuns).where(eq(rebuildRuns.status, 'running')).limit(1);
      throw new RebuildRunningError(running?.startedAt ?? null);
    }
    try {
      return await rebuildLocked();
    } finally {
      await lock`select pg_advisory_unlock(${REBUILD_LOCK_KEY})`;
    }
  } finally {
    lock.release();
  }

  async function rebuildLocked(): Promise<RebuildResult> {
    const startedAt = Date.now();
    // Anything left 'running' holds no lock any more: its process died.
    await db
      .update(rebuildRuns)
      .set({ status: 'failed', message: 'interrupted', finishedAt: new Date() })
      .where(eq(rebuildRuns.status, 'running'));
    // A pending request from /system is answered by this run, whoever runs it.
    const [requested] = await db.select({ id: rebuildRuns.id }).from(rebuildRuns).where(eq(rebuildRuns.status, 'requested')).limit(1);
    const runId = options.runId ?? requested?.id ?? randomUUID();
    await db
      .insert(rebuildRuns)
      .values({ id: runId, status: 'running', message: 'preparing' })
      .onConflictDoUpdate({ target: rebuildRuns.id, set: { status: 'running', startedAt: new Date(), message: 'preparing' } });

    const next = tablesOf(NEXT_SCHEMA);
    let events = 0;
    let applied = 0;
    let cursor: Position | typeof START = START;
    let position = 0n;
    let carefulPages = 0;
    let target = await lastPosition(client);
    let lastReport = 0;
    const report = async (phase: RebuildProgress['phase'], force = false) => {
      const now = Date.now();
      if (!force && now - lastReport < (options.progressEveryMs ?? 500)) return;
      lastReport = now;
      if (position > target) target = position;
      const progress = rebuildProgress({ runId, phase, events, position, target, elapsedMs: now - startedAt });
      options.onProgress?.(progress);
      await db
        .update(rebuildRuns)
        .set({ events: BigInt(events), position, target, message: phase, updatedAt: new Date() })
        .where(eq(rebuildRuns.id, runId));
      await db.execute(sql`select pg_notify(${REBUILD_CHANNEL}, ${runId})`);
    };

    // Every page of $all up to a short one (then the copy is close to the store's end). The next
    // page is read while this one is written: the store and PostgreSQL work at once.
    const replayAll = async (fast: boolean) => {
      events = 0;
      applied = 0;
      carefulPages = 0;
      cursor = START;
      position = 0n;
      const copy = await prepareCopy(db, READ_MODEL_SCHEMA, NEXT_SCHEMA, TABLES);
      await report('replaying', true);
      const pipeline = fast ? await FillPipeline.open(db, next, decode, options.cachedAccounts) : null;
      const pages = pagesOfAll(client, batchSize);
      // The generator always ends on a short page, after which nothing more is asked of it.
      const nextPage = () => pages.next().then((result) => result.value ?? { events: [], read: 0, last: undefined });
      try {
        let reading = nextPage();
        for (;;) {
          const page = await reading;
          if (page.last) cursor = page.last;
          const full = page.read === batchSize;
          if (full) {
            reading = nextPage();
            // Awaited on the next turn; when the replay below fails first, it is never awaited.
            reading.catch(() => {});
          }
          events += page.events.length;
          const sent = pipeline ? await pipeline.send(page.events) : 'careful';
          if (sent === 'careful') {
            carefulPages += 1;
            await pipeline?.drain();
            applied += await replay(db, next, page.events, decode);
            await pipeline?.reload(page.events);
          } else applied += sent;
          if (page.last) position = page.last.commit;
          await report('replaying');
          if (!full) break;
        }
        await pipeline?.drain();
      } finally {
        await pipeline?.close();
        // Cancels the read when the replay stopped before its end, once a page still being read
        // ahead is in (a generator takes return() after it). Not awaited: a store that stopped
        // answering must not hold up the replay's own failure.
        pages.return(undefined).catch(() => {});
      }
      return copy;
    };

    try {
      let copy;
      try {
        copy = await replayAll(true);
      } catch (error) {
        if (!(error instanceof FillBrokenError) || !isDataError(error.cause)) throw error;
        // PostgreSQL refused a page, and the pages sent after it were planned on it: the copy
        // is filled again from the start, the careful way, which holds just the refused event's stream.
        getLogger().child({ component: 'rebuild' }).warn({ reason: error.message }, 'filling the copy again, the careful way');
        copy = await replayAll(false);
      }
      await retryHolds(db, client, next, decode);
      await report('indexing', true);
      await buildDeferredIndexes(db, copy);
      await options.beforeSwap?.();
      await report('swapping', true);
      const tail = await swap(db, client, next, cursor, batchSize, decode);
      events += tail.events;
      applied += tail.applied;
      if (tail.last !== null) {
        cursor = tail.last;
        position = tail.last.commit;
      }
      await db
        .update(rebuildRuns)
        .set({
          status: 'done',
          events: BigInt(events),
          position,
          target: position > target ? position : target,
          message: 'done',
          finishedAt: new Date(),
          updatedAt: new Date(),
        })
        .where(eq(rebuildRuns.id, runId));
      await db.execute(sql`select pg_notify(${REBUILD_CHANNEL}, ${runId})`);
      target = position > target ? position : target;
      await report('done', true);
      return { runId, events, applied, seconds: (Date.now() - startedAt) / 1000, last: cursor === START ? null : cursor, carefulPages };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await db
        .update(rebuildRuns)
        .set({ status: 'failed', message: `failed: ${message}`.slice(0, 2000), finishedAt: new Date(), updatedAt: new Date() })
        .where(eq(rebuildRuns.id, runId))
        .catch(() => {});
      await db.execute(sql`select pg_notify(${REBUILD_CHANNEL}, ${runId})`).catch(() => {});
      throw error;
    }
  }
}

/**
 * Applies events read from $all (in order, complete) to a read-model copy, with the worker's
 * hold policy: an event that cannot be applied holds its stream there, and the stream's later
 * events are only indexed. Returns how many were applied.
 */
async function replay(db: Db, tables: ReadModelTables, recorded: readonly RecordedEvent[], decode: Decode): Promise<number> {
  const projected = recorded.filter(isProjected);
  if (projected.length === 0) return 0;
  let holds = await findHolds(db, [...new Set(projected.map((e) => e.streamId))], tables);
  let applied = 0;
  // Runs of events the batch can take, cut at every event that needs a decision of its own.
  let run: Array<{ recorded: RecordedEvent; event: BatchEvent }> = [];
  const flush = async () => {
    if (run.length === 0) return;
    const current = run;
    run = [];
    const outcomes = await applyBatch(
      db,
      current.map((r) => r.event),
      tables,
    ).catch(async (error: unknown) => {
      if (!isDataError(error)) throw error;
      // The database refuses something in this run: one at a time, so only its stream is held.
      const single = new Map<string, string>();
      for (const r of current) {
        const one = await applyBatch(db, [r.event], tables).catch((e: unknown) => {
          if (!isDataError(e)) throw e;
          return new Map([[r.recorded.id, databaseRefused(e)]]);
        });
        single.set(r.recorded.id, one.get(r.recorded.id)!);
      }
      return single;
    });
    for (const r of current) {
      const outcome = outcomes.get(r.recorded.id)!;
      if (outcome === 'apply') applied += 1;
      else if (outcome === 'duplicate') continue;
      else if (holds.has(r.recorded.streamId)) await indexOnly(r.recorded);
      else if (outcome === 'ahead') await hold(r.recorded, MISSING_PREDECESSOR);
      else if (outcome === 'payee-missing') await hold(r.recorded, payeeMissing(payeeOf(r.event)));
      else await hold(r.recorded, outcome);
    }
  };
  const indexOnly = async (recorded: RecordedEvent) => {
    const entry = indexEntryOfRecorded(decode, recorded);
    if (entry) await recordIndexOnly(db, [entry], tables);
  };
  const hold = async (recorded: RecordedEvent, reason: string) => {
    if (holds.has(recorded.streamId)) return;
    await recordHold(
      db,
      {
        stream: recorded.streamId,
        accountNumber: accountNumberFromStream(recorded.streamId)!,
        revision: recorded.revision,
        eventId: recorded.id,
        reason,
      },
      indexEntryOfRecorded(decode, recorded),
      tables,
    );
    holds = new Map(holds).set(recorded.streamId, recorded.revision);
  };

  for (const recorded of projected) {
    if (holds.has(recorded.streamId)) {
      await indexOnly(recorded);
      continue;
    }
    const event = toBatchEvent(decode, recorded);
    if ('cannot' in event) {
      await flush();
      await hold(recorded, event.cannot);
      continue;
    }
    run.push({ recorded, event });
  }
  await flush();
  return applied;
}

/**
 * Held streams tried again from their held event, as the live worker does (it retries them
 * when it subscribes and every minute): a payment held because its payee was opened only later
 * in $all applies now, so the copy ends as the live read model does. Until a pass frees none.
 */
async function retryHolds(db: Db, client: EventStoreDBClient, tables: ReadModelTables, decode: Decode): Promise<void> {
  for (let freed = true; freed;) {
    freed = false;
    for (const { stream } of await listHolds(db, tables)) {
      const hold = await findHold(db, stream, tables);
      if (!hold) continue;
      await deleteHold(db, stream, tables);
      await replay(db, tables, await readStreamEvents(client, stream, { direction: FORWARDS, fromRevision: hold.revision }), decode);
      const again = await findHold(db, stream, tables);
      if (!again || again.revision !== hold.revision) freed = true;
    }
  }
}

/**
 * The swap: everything appended since the last page goes into the copy while the live tables
 * are locked, then the schemas trade places and the old one is dropped, all or nothing.
 */
async function swap(
  db: Db,
  client: EventStoreDBClient,
  next: ReadModelTables,
  from: Position | typeof START,
  batchSize: number,
  decode: Decode,
): Promise<{ events: number; applied: number; last: Position | null }> {
  return db.transaction(async (tx) => {
    const live = TABLES.map((t) => `"${READ_MODEL_SCHEMA}"."${t}"`).join(', ');
    await tx.execute(sql.raw(`lock table ${live} in access exclusive mode`));
    let events = 0;
    let applied = 0;
    let last: Position | null = null;
    let cursor = from;
    for (;;) {
      const page = await readPage(client, cursor, batchSize);
      events += page.events.length;
      applied += await replay(tx as unknown as Db, next, page.events, decode);
      if (page.last) {
        cursor = page.last;
        last = page.last;
      }
      if (page.read < batchSize) break;
    }
    await retryHolds(tx as unknown as Db, client, next, decode);
    await tx.execute(sql.raw(`alter schema "${READ_MODEL_SCHEMA}" rename to "${OLD_SCHEMA}"`));
    await tx.execute(sql.raw(`alter schema "${NEXT_SCHEMA}" rename to "${READ_MODEL_SCHEMA}"`));
    // In the same transaction: a statement of the worker's waiting on the old tables' lock then
    // finds them gone and is retried against the new ones, instead of writing into the old ones.
    await tx.execute(sql.raw(`drop schema "${OLD_SCHEMA}" cascade`));
    await tx.execute(sql`select pg_notify(${EVENTS_CHANNEL}, ${String(last?.commit ?? 0n)})`);
    return { events, applied, last };
  });
}

type Page = { events: RecordedEvent[]; read: number; last: Position | undefined };

/**
 * $all from the start, in pages of `size` records, the last one short (perhaps empty): the fill's
 * pages, cut from one read to the end of the store. A read per page (readPage) cost the store and
 * the official client more for each record: 100,000 records in pages of 500 took 2.1-2.3 s of the
 * embedded store's CPU and 4.3-4.8 s of the client's, against 1.2-1.7 s and 3.7-4.2 s in one read,
 * and rebuilds of that store took 5-6 % longer. The read stays a little ahead of the pages asked
 * for: while none is, the client's stream stops pulling and gRPC's flow control holds the rest in
 * the store. Returning early (`return()`) cancels the read.
 */
export async function* pagesOfAll(client: EventStoreDBClient, size: number): AsyncGenerator<Page, void> {
  let page: Page = { events: [], read: 0, last: undefined };
  for await (const resolved of client.readAll({ direction: FORWARDS, fromPosition: START })) {
    const event = resolved.event;
    if (!event?.position) continue;
    page.events.push(event);
    page.read += 1;
    page.last = event.position;
    if (page.read === size) {
      yield page;
      page = { events: [], read: 0, last: undefined };
    }
  }
  yield page;
}

/**
 * One page of $all after `from` (exclusive; START: from the beginning), read to its end.
 * `read` counts every record returned, system ones included, to tell a short page (the end).
 */
async function readPage(client: EventStoreDBClient, from: Position | typeof START, maxCount: number): Promise<Page> {
  const events: RecordedEvent[] = [];
  let read = 0;
  let last: Position | undefined;
  // A forwards read includes its start position: ask for one more and drop it.
  const after = from === START ? null : from.commit;
  for await (const resolved of client.readAll({
    direction: FORWARDS,
    fromPosition: from,
    maxCount: after === null ? maxCount : maxCount + 1,
  })) {
    const event = resolved.event;
    if (!event?.position || event.position.commit === after) continue;
    read += 1;
    last = event.position;
    events.push(event);
  }
  return { events, read, last };
}

async function lastPosition(client: EventStoreDBClient): Promise<bigint> {
  let last = 0n;
  for await (const resolved of client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 })) {
    if (resolved.event?.position) last = resolved.event.position.commit;
  }
  return last;
}
