import 'server-only';
import { readStreamEvents } from '@/lib/eventstore/connection/read-stream';
import { and, eq, sql } from 'drizzle-orm';
import { decideMakePayment, type MakePayment } from '@/lib/domain';
import { withDbDeadline, type Db } from '@/lib/db/client';
import { waitForProjection } from '@/lib/db/projection-waiter';
import { accountHistory } from '@/lib/db/schema';
import { PayerStateCache, type CachedAccount } from '@/lib/eventstore/write-model/payer-state-cache';
import { readCommandRecord } from '@/lib/eventstore/write-model/command-registry';
import { accountStream } from '@/lib/eventstore/serialization/streams';
import { defaultDeps, type CommandDeps } from './deps';
import { readPaymentView, type PaymentView } from './payment-view';
import { failure, type CommandResult } from './result';
import { AppendOutcomeUnknownError } from './store-errors';
import { makePaymentInputSchema, type MakePaymentInput } from './schemas';
import { StreamQueue } from './stream-queue';
import { CommandRun, domainFailure, isFailure, isWrongExpectedVersion, success, unavailable, validationFailure } from './support';

const DEFAULT_CATCH_UP_TIMEOUT_MS = 5000;
/** Payments from one payer run one at a time in this process (see stream-queue.ts). */
const processQueue = new StreamQueue();
/** Decide-again rounds of the event-store source before answering "conflict" (a hot account); immediate, like runAccountCommand's (no backoff: see lib/commands/support.ts). */
export const MAX_STORE_ATTEMPTS = 25;

/**
 * MakePayment has two decision sources (PAYMENT_DECISION_SOURCE, deps.decisionSource).
 *
 * 'read-model' (default), the rule of the original design:
 *  1. read the payer's row in the query model: its balance, and `revision`, the last revision of
 *     the payer's stream that the model has applied;
 *  2. decide on that balance;
 *  3. append PaymentMade to the payer's stream with expectedRevision = revision.
 * Any payer event the model has not applied yet makes the append fail, so a decision is never
 * based on a stale balance; on such a conflict we wait (bounded, woken by the worker's
 * notification) for the worker to catch up and decide again. Needs the worker and PostgreSQL.
 *
 * 'event-store': decide from the payer's own stream in the store (cached in process, only new
 * events read), appending with expectedRevision = the revision that state reflects, and on a
 * conflict read the new events and decide again. The catch: the payer's own stream holds its
 * opening balance, deposits and OUTGOING payments; incoming payments are PaymentMade events on
 * the payers' streams. Rather than change the event model (a PaymentReceived on the payee's
 * stream would be a second, non-atomic append and need a process manager to guarantee the
 * credit), the payer's spendable balance is taken as
 *     own-stream balance (exact, at the guarded revision)
 *   + incoming credits as far as the query model has applied them (a lower bound).
 * Payments are final, so the credits a payer has received only ever grow: any snapshot of them,
 * however stale, is at most the truth, and when the query model cannot be read they count as 0.
 * Every debit is in the own stream, guarded by expectedRevision. So the sum never exceeds the
 * real balance and no interleaving can overdraw; money stays conserved because a payment is
 * still the one PaymentMade event that the projection applies to both sides at once. The price:
 * while the worker is down, credits received since it stopped are not yet spendable (they are
 * as soon as it catches up); debits and deposits always count at once.
 */
export async function makePayment(input: MakePaymentInput, deps: CommandDeps = defaultDeps()): Promise<CommandResult> {
  const parsed = makePaymentInputSchema.safeParse(input);
  if (!parsed.success) return validationFailure(parsed.error);
  const { commandId, ...command } = parsed.data;
  if (command.payerAccountNumber === command.payeeAccountNumber) {
    return failure('same_account', 'Cannot pay an account from itself', {
      payeeAccountNumber: ['Choose an account other than the payer'],
    });
  }
  const content: MakePayment = {
    payerAccountNumber: command.payerAccountNumber,
    payeeAccountNumber: command.payeeAccountNumber,
    amountCents: command.amountCents,
    ...(command.reference ? { reference: command.reference } : {}),
  };
  const run = new CommandRun(deps.eventStore, commandId, 'MakePayment', content);
  const deadline = Date.now() + (deps.catchUpTimeoutMs ?? DEFAULT_CATCH_UP_TIMEOUT_MS);
  const cache = deps.payerCache ?? fallbackCache;
  // Before the claim (made just before the append): a duplicate of this command can only append after it.
  const seenBefore = cache.peek(content.payerAccountNumber)?.revision ?? 'no_stream';
  let result: CommandResult;
  try {
    // The event-store source's reads of the query model need no particular moment (see
    // incomingCreditsLowerBound): made now rather than in the payer's queue.
    const prefetched =
      deps.decisionSource === 'event-store'
        ? await readQueryModelOrNull(deps, content.payerAccountNumber, content.payeeAccountNumber)
        : null;
    result = await (deps.streamQueue ?? processQueue).run(
      content.payerAccountNumber,
      deadline,
      () =>
        deps.decisionSource === 'event-store'
          ? payFromEventStore(run, content, deps, deadline, seenBefore, prefetched)
          : payFromReadModel(run, content, deps, deadline),
      () => tooBusy(run, deps, content.payerAccountNumber),
    );
  } catch (error) {
    result = unavailable(error, 'the payment', run);
  }
  return confirmNothingWasDone(run, deps, content.payerAccountNumber, result);
}

/**
 * The answer for a payment that waited in its payer's queue past its deadline. An earlier submit
 * of this very command may be ahead in that queue, still paying: only a command id nobody has
 * claimed for it (claims come just before an append) was surely never paid.
 */
async function tooBusy(run: CommandRun, deps: CommandDeps, payer: string): Promise<CommandResult> {
  const claimed = await readCommandRecord(deps.eventStore, run.commandId).catch(() => 'unreadable' as const);
  if (claimed !== 'unreadable' && !run.isClaimedBy(claimed)) {
    return failure('conflict', 'Too many payments from this account at once; nothing was paid. Please try again in a moment.');
  }
  return unavailable(
    new AppendOutcomeUnknownError(accountStream(payer), new Error('an earlier submit may still be in progress')),
    'the payment',
    run,
  );
}

/** Failures that claim nothing was done, and could be wrong for a retry of a command that was. */
const SAYS_NOTHING_DONE: ReadonlySet<string> = new Set(['not_found', 'insufficient_funds', 'conflict', 'unavailable']);

/**
 * A retry of a payment that was stored decides as if it never happened whenever it cannot see
 * the first one: with PostgreSQL down it answers "unavailable, nothing was done" (found by the
 * soak: lost responses retried during a PostgreSQL restart), and a wait for the worker can run
 * out ("conflict"). Before such an answer says "nothing was paid", a command id that is
 * already claimed for this very payment is looked for in the payer's stream: found, the answer
 * is the first one's success; unreadable, it is unknown. Only failures pay this extra read.
 */
async function confirmNothingWasDone(run: CommandRun, deps: CommandDeps, payer: string, result: CommandResult): Promise<CommandResult> {
  if (result.ok || !SAYS_NOTHING_DONE.has(result.code)) return result;
  let claimed;
  try {
    claimed = await readCommandRecord(deps.eventStore, run.commandId);
  } catch {
    // The store is out of reach: a first attempt (by far the usual case) did nothing; keep the answer.
    return result;
  }
  if (!run.isClaimedBy(claimed)) return result;
  try {
    const stored = await findInStream(deps, payer, run.eventId());
    return stored ? success(payer, stored.revision, stored.position) : result;
  } catch (error) {
    return unavailable(new AppendOutcomeUnknownError(accountStream(payer), error), 'the payment', run);
  }
}

async function payFromReadModel(run: CommandRun, command: MakePayment, deps: CommandDeps, deadline: number): Promise<CommandResult> {
  const { payerAccountNumber: payer, payeeAccountNumber: payee } = command;
  const ownEventId = run.eventId();
  for (;;) {
    // The payer's row and our own event in one statement, so from one snapshot: the worker
    // writes both in one transaction, so if the row's revision already covers an earlier submit
    // of this command, the lookup finds it; if not, an append at that revision must fail. (Read
    // apart, row after event, the worker could apply the earlier submit in between: the lookup
    // misses it and the append at the newer revision succeeds, paying twice.)
    const { payerRow, applied, payeeProjected } = await readPaymentView(deps.db, payer, payee, ownEventId, deps.dbDeadlineMs);
    // Already applied by an earlier submit of this command: same answer, nothing appended.
    if (applied) return success(payer, applied.revision, applied.position);

    if (!payerRow) {
      const appearing = await waitForUnprojectedAccount(deps, payer, deadline);
      if (appearing === 'missing') return domainFailure(notFound(payer, 'payerAccountNumber'));
      if (appearing === 'held') return heldAccount();
      if (appearing === 'timeout') return stillUpdating();
      continue;
    }
    // The payment before this one from this payer (queued behind it) is appended but not yet
    // applied: an append at the row's revision would only fail. Wait for it instead.
    const appended = appendedHere.get(payer);
    if (appended !== undefined && payerRow.revision < appended) {
      const remaining = deadline - Date.now();
      const waited = remaining > 0 ? await waitForProjection(deps.db, payer, appended, remaining) : 'timeout';
      if (waited === 'held') return heldAccount();
      if (waited === 'timeout') return stillApplying();
      continue;
    }
    if (appended !== undefined) appendedHere.delete(payer);
    const payeeExists = payeeProjected || (await existsInStore(deps, payee));

    const decision = decideMakePayment({ payer: { accountNumber: payer, balanceCents: payerRow.balanceCents }, payeeExists }, command);
    if (!decision.ok) {
      // A refusal appends nothing, so no expectedRevision guards it: before saying "insufficient
      // funds", make sure the row was not simply behind the payer's stream (a deposit answered
      // ok and not yet applied).
      const behind = decision.error.code === 'insufficient_funds' ? await streamAhead(deps, payer, payerRow.revision) : null;
      if (behind === null) return domainFailure(decision.error);
      const remaining = deadline - Date.now();
      const waited = remaining > 0 ? await waitForProjection(deps.db, payer, behind, remaining) : 'timeout';
      if (waited === 'held') return heldAccount();
      if (waited === 'timeout') return stillApplying();
      continue;
    }

    try {
      const done = await run.append(accountStream(payer), decision.events, payerRow.revision);
      if (isFailure(done)) return done;
      rememberAppended(payer, done.streamRevision);
      return success(payer, done.streamRevision, done.position);
    } catch (error) {
      if (!isWrongExpectedVersion(error)) throw error;
      // The payer's stream is ahead of the model: let the worker apply those events, then decide again.
      const target = typeof error.actualVersion === 'bigint' ? error.actualVersion : payerRow.revision + 1n;
      const remaining = deadline - Date.now();
      const waited = remaining > 0 ? await waitForProjection(deps.db, payer, target, remaining) : 'timeout';
      if (waited === 'held') return heldAccount();
      if (waited === 'timeout') {
        return failure(
          'conflict',
          'The account changed while this payment was being made and is still updating; nothing was paid. Please try again.',
        );
      }
    }
  }
}

/**
 * The last revision this process appended to a payer's stream under the read-model source, until
 * the read model shows it: a hint for the next payment from that payer (never trusted for
 * money: its append is still guarded by the row's revision). Bounded: the oldest goes first.
 */
const appendedHere = new Map<string, bigint>();
const APPENDED_HERE_MAX = 10_000;

function rememberAppended(payer: string, revision: bigint) {
  appendedHere.delete(payer);
  appendedHere.set(payer, revision);
  if (appendedHere.size > APPENDED_HERE_MAX) appendedHere.delete(appendedHere.keys().next().value!);
}

const fallbackCache = new PayerStateCache();

async function payFromEventStore(
  run: CommandRun,
  command: MakePayment,
  deps: CommandDeps,
  deadline: number,
  seenBefore: bigint | 'no_stream',
  prefetched: PaymentView | null,
): Promise<CommandResult> {
  const { payerAccountNumber: payer, payeeAccountNumber: payee } = command;
  const cache = deps.payerCache ?? fallbackCache;
  const ownEventId = run.eventId();
  const stream = accountStream(payer);
  let payeeExists: boolean | undefined;
  let searchedWholeStream = false;
  let queryModel = prefetched;

  for (let attempt = 0; attempt < MAX_STORE_ATTEMPTS; attempt++) {
    // The first try decides on the cached state as it is, without reading the store: its append
    // is guarded by that state's revision, and our own event is looked for in it all the same.
    // Only a refusal needs the latest state (a refusal appends nothing, so nothing guards it).
    const cached = attempt === 0 ? cache.peek(payer) : undefined;
    const entry = cached ?? (await cache.refresh(deps.eventStore, payer));
    const done = await findOwnEvent(deps, cache, entry, ownEventId, seenBefore);
    if (done) return success(payer, done.revision, done.position);

    if (entry.state.status !== 'open') {
      if (cached) continue;
      return domainFailure(notFound(payer, 'payerAccountNumber'));
    }
    // Read again after a conflict or before a refusal: the credits may have grown meanwhile.
    if (attempt > 0) queryModel = await readQueryModelOrNull(deps, payer, payee);
    payeeExists ??= queryModel?.payeeProjected || (await cache.refresh(deps.eventStore, payee)).state.status === 'open';
    const balanceCents = entry.state.balanceCents + (await incomingCreditsLowerBound(deps, payer, entry, queryModel?.payerRow ?? null));
    const decision = decideMakePayment({ payer: { accountNumber: payer, balanceCents }, payeeExists }, command);
    if (!decision.ok) {
      if (cached) continue;
      return domainFailure(decision.error);
    }

    const claimed = await run.ensureClaimed(stream);
    if (claimed !== 'fresh' && claimed !== 'retry') return claimed;
    if (claimed === 'retry' && !searchedWholeStream) {
      // An exact retry: the first submit may have appended at any revision, even before `seenBefore`.
      searchedWholeStream = true;
      const earlier = await findInStream(deps, payer, ownEventId);
      if (earlier) return success(payer, earlier.revision, earlier.position);
    }

    try {
      const appended = await run.append(stream, decision.events, entry.revision);
      if (isFailure(appended)) return appended;
      cache.recordAppended(
        payer,
        entry,
        decision.events.map((event, index) => ({ id: run.eventId(index), event })),
        appended.position,
      );
      return success(payer, appended.streamRevision, appended.position);
    } catch (error) {
      if (!isWrongExpectedVersion(error)) throw error;
      if (Date.now() > deadline) break;
      // Someone else appended to the payer's stream: the next refresh reads it and we decide again.
    }
  }
  return failure('conflict', 'The account kept changing while this payment was being made; nothing was paid. Please try again.');
}

/** Our own PaymentMade among the events after `seenBefore` (from the cache's window, or the stream when it is too short). */
async function findOwnEvent(
  deps: CommandDeps,
  cache: PayerStateCache,
  entry: CachedAccount,
  ownEventId: string,
  seenBefore: bigint | 'no_stream',
): Promise<{ revision: bigint; position: bigint | undefined } | null> {
  const found = cache.findSince(entry, ownEventId, seenBefore);
  if (found !== 'unknown') return found;
  return entry.state.status === 'open' ? findInStream(deps, entry.state.accountNumber, ownEventId) : null;
}

async function findInStream(deps: CommandDeps, accountNumber: string, eventId: string) {
  const found = (await readStreamEvents(deps.eventStore, accountStream(accountNumber))).find((e) => e.id === eventId);
  return found ? { revision: found.revision, position: found.position?.commit } : null;
}

/**
 * Credits the payer has received, as far as the query model had applied them when `row` was
 * read: balance(row) − own-stream balance at the row's revision. Payments are final, so any
 * snapshot of them, however old, is at most the truth. 0 without a row (none yet, or the query
 * model could not be read).
 */
async function incomingCreditsLowerBound(
  deps: CommandDeps,
  payer: string,
  entry: CachedAccount,
  row: PaymentView['payerRow'],
): Promise<bigint> {
  if (!row) return 0n;
  try {
    const ownAtRevision =
      entry.revision === row.revision && entry.state.status === 'open'
        ? entry.state.balanceCents
        : entry.recent.find((event) => event.revision === row.revision)?.ownBalanceCents;
    const credits =
      ownAtRevision !== undefined && ownAtRevision !== null
        ? row.balanceCents - ownAtRevision
        : await withDbDeadline(sumOfReceivedPayments(deps.db, payer), deps.dbDeadlineMs);
    return credits > 0n ? credits : 0n;
  } catch {
    return 0n;
  }
}

/** The payer's row and whether the payee has one; null when the query model cannot be read (the store decides alone). */
async function readQueryModelOrNull(deps: CommandDeps, payer: string, payee: string): Promise<PaymentView | null> {
  try {
    return await readPaymentView(deps.db, payer, payee, null, deps.dbDeadlineMs);
  } catch {
    return null;
  }
}

async function sumOfReceivedPayments(db: Db, accountNumber: string): Promise<bigint> {
  const rows = await db
    .select({ total: sql<string>`coalesce(sum(${accountHistory.amount}), 0)::text` })
    .from(accountHistory)
    .where(and(eq(accountHistory.accountNumber, accountNumber), eq(accountHistory.kind, 'PaymentReceived')));
  return BigInt(rows[0]?.total ?? '0');
}

async function existsInStore(deps: CommandDeps, accountNumber: string): Promise<boolean> {
  const cache = deps.payerCache ?? fallbackCache;
  return (await cache.refresh(deps.eventStore, accountNumber)).state.status === 'open';
}

/** The payer stream's last revision when it is past what the query model has applied, else null. */
async function streamAhead(deps: CommandDeps, accountNumber: string, applied: bigint): Promise<bigint | null> {
  const cache = deps.payerCache ?? fallbackCache;
  const { revision } = await cache.refresh(deps.eventStore, accountNumber);
  return typeof revision === 'bigint' && revision > applied ? revision : null;
}

/** A just-opened account may exist in the store before the worker has projected it. */
async function waitForUnprojectedAccount(
  deps: CommandDeps,
  accountNumber: string,
  deadline: number,
): Promise<'projected' | 'missing' | 'held' | 'timeout'> {
  if (!(await existsInStore(deps, accountNumber))) return 'missing';
  const remaining = deadline - Date.now();
  if (remaining <= 0) return 'timeout';
  const waited = await waitForProjection(deps.db, accountNumber, 0n, remaining);
  return waited === 'reached' ? 'projected' : waited;
}

function notFound(accountNumber: string, field: string) {
  return { code: 'not_found' as const, message: `Account ${accountNumber} does not exist`, field };
}

function stillApplying() {
  return failure('conflict', "The account's latest changes are still being applied; nothing was paid. Please try again in a moment.");
}

function stillUpdating() {
  return failure('conflict', 'The account is still being set up; nothing was paid. Please try again in a moment.');
}

function heldAccount() {
  return failure(
    'unavailable',
    "This account's history is held back by the bank's projection (an event it cannot apply); nothing was paid. Please try again later.",
  );
}
