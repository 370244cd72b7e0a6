import 'server-only';
import { NO_STREAM } from '@eventstore/db-client';
import { decideOpenAccount } from '@/lib/domain';
import { loadAccount } from '@/lib/eventstore/write-model/account-stream';
import { accountNumberFor } from '@/lib/eventstore/serialization/ids';
import { accountStream } from '@/lib/eventstore/serialization/streams';
import { defaultDeps, type CommandDeps } from './deps';
import { failure, type CommandResult } from './result';
import { openAccountInputSchema, type OpenAccountInput } from './schemas';
import { CommandRun, domainFailure, isFailure, isWrongExpectedVersion, success, unavailable, validationFailure } from './support';

/** Candidate numbers tried before giving up; a collision on a 9-digit space is already rare. */
export const MAX_NUMBER_ATTEMPTS = 5;

/**
 * Opens an account. The number derives from the command id, so a double submit lands on the
 * same stream, finds its own AccountOpened and returns the same account instead of a second one.
 */
export async function openAccount(input: OpenAccountInput, deps: CommandDeps = defaultDeps()): Promise<CommandResult> {
  const parsed = openAccountInputSchema.safeParse(input);
  if (!parsed.success) return validationFailure(parsed.error);
  const { commandId, holderName, openingBalanceCents } = parsed.data;
  const run = new CommandRun(deps.eventStore, commandId, 'OpenAccount', { holderName, openingBalanceCents });
  const ownEventId = run.eventId();

  try {
    for (let attempt = 0; attempt < MAX_NUMBER_ATTEMPTS; attempt++) {
      const accountNumber = accountNumberFor(commandId, attempt);
      const stream = accountStream(accountNumber);
      const loaded = await loadAccount(deps.eventStore, accountNumber);
      const first = loaded.events[0];
      if (first?.id === ownEventId) return success(accountNumber, first.revision, first.position);
      if (loaded.revision !== 'no_stream') continue; // taken by another account: next candidate

      const decision = decideOpenAccount(loaded.state, { accountNumber, holderName, openingBalanceCents });
      if (!decision.ok) return domainFailure(decision.error);
      try {
        const appended = await run.append(stream, decision.events, NO_STREAM);
        if (isFailure(appended)) return appended;
        return success(accountNumber, appended.streamRevision, appended.position);
      } catch (error) {
        if (!isWrongExpectedVersion(error)) throw error;
        // Created meanwhile: by a concurrent submit of this same command, or by someone else.
        const again = await loadAccount(deps.eventStore, accountNumber);
        const mine = again.events[0];
        if (mine?.id === ownEventId) return success(accountNumber, mine.revision, mine.position);
      }
    }
    return failure('conflict', 'Could not find a free account number; please try again.');
  } catch (error) {
    return unavailable(error, 'opening the account', run);
  }
}
