import { and, eq } from 'drizzle-orm';
import { decideMakePayment } from '@/lib/domain';
import type { Db } from '@/lib/db/client';
import { accountHistory } from '@/lib/db/schema';
import { loadAccount } from '@/lib/eventstore/account-stream';
import { eventIdFor } from '@/lib/eventstore/ids';
import { accountStream } from '@/lib/eventstore/streams';
import { getAccount, waitForAccountRevision } from '@/lib/queries';
import { defaultDeps, type CommandDeps } from './deps';
import { failure, type CommandResult } from './result';
import { makePaymentInputSchema, type MakePaymentInput } from './schemas';
import { appendForCommand, domainFailure, isWrongExpectedVersion, success, unavailable, validationFailure } from './support';

const DEFAULT_CATCH_UP_TIMEOUT_MS = 5000;

/**
 * The payment consistency rule of the original design:
 *  1. read the payer's row in the query model: its balance, and `version`, the last revision of
 *     the payer's stream that the model has applied;
 *  2. decide on that balance;
 *  3. append PaymentMade to the payer's stream with expectedRevision = version.
 * Any payer event the model has not applied yet (another payment, even one in flight right now)
 * makes the append fail, so a decision is never based on a stale balance and no interleaving
 * can overdraw the account. On such a conflict we wait (bounded) for the worker to catch up and
 * decide again; only if that keeps failing do we report a conflict.
 */
export async function makePayment(input: MakePaymentInput, deps: CommandDeps = defaultDeps()): Promise<CommandResult> {
  const parsed = makePaymentInputSchema.safeParse(input);
  if (!parsed.success) return validationFailure(parsed.error);
  const command = parsed.data;
  const { commandId, payerAccountNumber: payer, payeeAccountNumber: payee } = command;
  if (payer === payee) {
    return failure('same_account', 'Cannot pay an account from itself', {
      payeeAccountNumber: ['Choose an account other than the payer'],
    });
  }
  const ownEventId = eventIdFor(commandId);
  const deadline = Date.now() + (deps.catchUpTimeoutMs ?? DEFAULT_CATCH_UP_TIMEOUT_MS);

  try {
    for (;;) {
      // Already applied by an earlier submit of this command: same answer, nothing appended.
      const done = await findAppliedPayment(deps.db, ownEventId, payer);
      if (done) return success(payer, done.revision, done.position);

      const payerRow = await getAccount(payer, deps.db);
      if (!payerRow) {
        const appearing = await waitForUnprojectedAccount(deps, payer, deadline);
        if (appearing === 'missing') return domainFailure(notFound(payer, 'payerAccountNumber'));
        if (appearing === 'timeout') return stillUpdating();
        continue;
      }
      const payeeExists = (await getAccount(payee, deps.db)) !== null || (await existsInStore(deps, payee));

      const decision = decideMakePayment(
        { payer: { accountNumber: payer, balanceCents: payerRow.balanceCents }, payeeExists },
        command,
      );
      if (!decision.ok) return domainFailure(decision.error);

      try {
        const appended = await appendForCommand(
          deps.eventStore,
          accountStream(payer),
          commandId,
          decision.events,
          payerRow.version,
        );
        return success(payer, appended.streamRevision, appended.position);
      } catch (error) {
        if (!isWrongExpectedVersion(error)) throw error;
        // The payer's stream is ahead of the model: let the worker apply those events, then decide again.
        const target = typeof error.actualVersion === 'bigint' ? error.actualVersion : payerRow.version + 1n;
        const remaining = deadline - Date.now();
        if (remaining <= 0 || !(await waitForAccountRevision(payer, target, { timeoutMs: remaining, pollMs: 20 }, deps.db))) {
          return failure(
            'conflict',
            'The account changed while this payment was being made and is still updating; nothing was paid. Please try again.',
          );
        }
      }
    }
  } catch (error) {
    return unavailable(error, 'the payment');
  }
}

async function findAppliedPayment(db: Db, eventId: string, payer: string) {
  const rows = await db
    .select({ revision: accountHistory.revision, position: accountHistory.position })
    .from(accountHistory)
    .where(and(eq(accountHistory.eventId, eventId), eq(accountHistory.accountNumber, payer)))
    .limit(1);
  return rows[0] ?? null;
}

async function existsInStore(deps: CommandDeps, accountNumber: string): Promise<boolean> {
  return (await loadAccount(deps.eventStore, accountNumber)).state.status === 'open';
}

/** A just-opened account may exist in the store before the worker has projected it. */
async function waitForUnprojectedAccount(
  deps: CommandDeps,
  accountNumber: string,
  deadline: number,
): Promise<'projected' | 'missing' | 'timeout'> {
  if (!(await existsInStore(deps, accountNumber))) return 'missing';
  const remaining = deadline - Date.now();
  if (remaining <= 0) return 'timeout';
  const projected = await waitForAccountRevision(accountNumber, 0n, { timeoutMs: remaining, pollMs: 20 }, deps.db);
  return projected ? 'projected' : 'timeout';
}

function notFound(accountNumber: string, field: string) {
  return { code: 'not_found' as const, message: `Account ${accountNumber} does not exist`, field };
}

function stillUpdating() {
  return failure('conflict', 'The account is still being set up; nothing was paid. Please try again in a moment.');
}
