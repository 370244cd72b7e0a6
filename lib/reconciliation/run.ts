import 'server-only';
import { randomUUID } from 'node:crypto';
import { BACKWARDS, END, FORWARDS, START, type EventStoreDBClient, type Position, type RecordedEvent } from '@eventstore/db-client';
import { asc, count, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Db } from '@/lib/db/client';
import { EVENTS_CHANNEL } from '@/lib/db/projection-channel';
import { accountHistory, accounts, eventIndex, reconciliationRuns } from '@/lib/db/schema';
import { accountNumberFromStream } from '@/lib/eventstore/serialization/streams';
import { compareAccounts, firstDivergence, type Difference, type ReadModelAccount } from './compare';
import { Replayer } from './replay';

/**
 * Reconciliation: replays every account from the store (lib/reconciliation/replay.ts, written
 * from the projection's documented policy, not from its code) and compares it with the read
 * model: balance, holder name, revision, history length. For each account that differs, a second
 * pass over the store keeps that account's replayed timeline to find the first event where the
 * two part.
 *
 * The bank keeps running meanwhile, so the check is taken as of one $all position P (the
 * store's end when it starts, once the worker has caught up to it or after a bounded wait): the
 * replay stops at P, and an account with events after P in the read model is left for the
 * next run (counted as skipped) rather than reported as different.
 */
export const RECONCILE_CHANNEL = 'eventbank_reconcile';
export const RECONCILE_REQUESTED = 'requested';
const PAGE = 1000;

export type ReconciliationReport = {
  runId: string;
  position: bigint;
  events: number;
  accounts: number;
  skipped: number;
  differences: Difference[];
};

export type ReconcileOptions = {
  client: EventStoreDBClient;
  db: Db;
  /** How long to wait for the worker to reach the store's end before checking anyway. */
  catchUpTimeoutMs?: number;
  onProgress?: (events: number) => void;
  runId?: string;
};

export async function runReconciliation(options: ReconcileOptions): Promise<ReconciliationReport> {
  const { db } = options;
  const [requested] = await db
    .select({ id: reconciliationRuns.id })
    .from(reconciliationRuns)
    .where(eq(reconciliationRuns.status, 'requested'))
    .limit(1);
  const runId = options.runId ?? requested?.id ?? randomUUID();
  await db
    .update(reconciliationRuns)
    .set({ status: 'failed', message: 'interrupted', finishedAt: new Date() })
    .where(eq(reconciliationRuns.status, 'running'));
  await db
    .insert(reconciliationRuns)
    .values({ id: runId, status: 'running', message: 'replaying' })
    .onConflictDoUpdate({ target: reconciliationRuns.id, set: { status: 'running', startedAt: new Date(), message: 'replaying' } });
  await notify(db, runId);
  try {
    const report = await reconcile(options, runId);
    await db
      .update(reconciliationRuns)
      .set({
        status: 'done',
        finishedAt: new Date(),
        position: report.position,
        events: BigInt(report.events),
        accounts: report.accounts,
        skipped: report.skipped,
        differences: report.differences,
        message:
          report.differences.length === 0
            ? 'no differences'
            : `${report.differences.length} difference${report.differences.length === 1 ? '' : 's'}`,
      })
      .where(eq(reconciliationRuns.id, runId));
    await notify(db, runId);
    return report;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await db
      .update(reconciliationRuns)
      .set({ status: 'failed', finishedAt: new Date(), message: `failed: ${message}`.slice(0, 2000) })
      .where(eq(reconciliationRuns.id, runId))
      .catch(() => {});
    await notify(db, runId).catch(() => {});
    throw error;
  }
}

async function reconcile(options: ReconcileOptions, runId: string): Promise<ReconciliationReport> {
  const { client, db } = options;
  const end = await lastAccountEvent(client);
  await workerReaches(db, end, options.catchUpTimeoutMs ?? 30_000);

  const replayer = new Replayer(() => false);
  await replayUpTo(client, end, (event) => replayer.add(event), options.onProgress);
  replayer.retryHolds();
  const replayed = replayer.result().accounts;

  const rows = new Map<string, ReadModelAccount>();
  const lengths = new Map(
    (
      await db.select({ account: accountHistory.accountNumber, length: count() }).from(accountHistory).groupBy(accountHistory.accountNumber)
    ).map((r) => [r.account, r.length]),
  );
  for (const row of await db.select().from(accounts)) {
    rows.set(row.number, {
      number: row.number,
      holderName: row.holderName,
      balance: row.balance,
      revision: row.revision,
      historyLength: lengths.get(row.number) ?? 0,
    });
  }

  let differences = compareAccounts(replayed, rows);
  // Accounts the worker moved past P while we looked are not differences of P.
  const changed = new Set(
    (
      await db
        .selectDistinct({ account: eventIndex.accountNumber, payee: eventIndex.counterparty })
        .from(eventIndex)
        .where(gt(eventIndex.position, end ?? -1n))
    ).flatMap((r) => [r.account, r.payee].filter((a): a is string => a !== null)),
  );
  const skipped = new Set(differences.filter((d) => changed.has(d.accountNumber)).map((d) => d.accountNumber));
  differences = differences.filter((d) => !skipped.has(d.accountNumber));

  const differing = new Set(differences.map((d) => d.accountNumber));
  if (differing.size > 0) {
    const detailed = new Replayer((account) => differing.has(account));
    await replayUpTo(client, end, (event) => detailed.add(event));
    detailed.retryHolds();
    const timelines = detailed.result().accounts;
    const stored = await db
      .select({
        account: accountHistory.accountNumber,
        eventId: accountHistory.eventId,
        position: accountHistory.position,
        kind: accountHistory.kind,
        balanceAfter: accountHistory.balanceAfter,
      })
      .from(accountHistory)
      .where(inArray(accountHistory.accountNumber, [...differing]))
      .orderBy(asc(accountHistory.accountNumber), asc(accountHistory.position));
    const byAccount = new Map<string, typeof stored>();
    for (const row of stored) byAccount.set(row.account, [...(byAccount.get(row.account) ?? []), row]);
    const first = new Map(
      [...differing].map((account) => [account, firstDivergence(timelines.get(account)?.history ?? [], byAccount.get(account) ?? [])]),
    );
    differences = differences.map((d) => ({ ...d, firstEvent: first.get(d.accountNumber) ?? null }));
  }
  return { runId, position: end ?? 0n, events: replayer.events, accounts: replayed.size, skipped: skipped.size, differences };
}

/** Waits, bounded, until the worker has indexed the store's last account event: woken by its doorbell, not by polling. */
async function workerReaches(db: Db, position: bigint | null, timeoutMs: number): Promise<void> {
  if (position === null) return;
  const indexed = async () => (await db.select({ found: count() }).from(eventIndex).where(eq(eventIndex.position, position)))[0]!.found > 0;
  let wake: () => void = () => {};
  const listener = await db.$client.listen(EVENTS_CHANNEL, () => wake());
  try {
    const deadline = Date.now() + timeoutMs;
    while (!(await indexed())) {
      const left = deadline - Date.now();
      if (left <= 0) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    await listener.unlisten();
  }
}

/** Events of $all from the start up to `end` (inclusive), in pages, each read to its end. */
async function replayUpTo(
  client: EventStoreDBClient,
  end: bigint | null,
  add: (event: RecordedEvent) => void,
  onProgress?: (events: number) => void,
) {
  if (end === null) return;
  let from: Position | typeof START = START;
  let seen = 0;
  for (;;) {
    const after: bigint | null = from === START ? null : from.commit;
    let read = 0;
    let last: Position | undefined;
    let done = false;
    for await (const resolved of client.readAll({ direction: FORWARDS, fromPosition: from, maxCount: after === null ? PAGE : PAGE + 1 })) {
      const event = resolved.event;
      if (!event?.position || event.position.commit === after) continue;
      read += 1;
      last = event.position;
      if (done || event.position.commit > end) {
        done = true;
        continue;
      }
      add(event);
      seen += 1;
    }
    onProgress?.(seen);
    if (done || read < PAGE || !last) return;
    from = last;
  }
}

/** Position of the newest event of an account stream, or null when there is none. */
async function lastAccountEvent(client: EventStoreDBClient): Promise<bigint | null> {
  let from: Position | typeof END = END;
  for (;;) {
    const page: RecordedEvent[] = [];
    for await (const resolved of client.readAll({ direction: BACKWARDS, fromPosition: from, maxCount: PAGE })) {
      if (resolved.event) page.push(resolved.event);
    }
    const found = page.find((e) => accountNumberFromStream(e.streamId) !== null && !e.type.startsWith('$'));
    if (found?.position) return found.position.commit;
    const oldest = page.at(-1)?.position;
    if (page.length < PAGE || !oldest) return null;
    from = oldest;
  }
}

async function notify(db: Db, runId: string) {
  await db.execute(sql`select pg_notify(${RECONCILE_CHANNEL}, ${runId})`);
}
