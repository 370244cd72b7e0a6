import { decideDeposit } from '@/lib/domain';
import { loadAccount } from '@/lib/eventstore/account-stream';
import { eventIdFor } from '@/lib/eventstore/ids';
import { accountStream } from '@/lib/eventstore/streams';
import { defaultDeps, type CommandDeps } from './deps';
import { failure, type CommandResult } from './result';
import { depositInputSchema, type DepositInput } from './schemas';
import { appendForCommand, domainFailure, isWrongExpectedVersion, success, unavailable, validationFailure } from './support';

const MAX_ATTEMPTS = 5;

export async function deposit(input: DepositInput, deps: CommandDeps = defaultDeps()): Promise<CommandResult> {
  const parsed = depositInputSchema.safeParse(input);
  if (!parsed.success) return validationFailure(parsed.error);
  const { commandId, accountNumber, amountCents } = parsed.data;
  const ownEventId = eventIdFor(commandId);

  try {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const loaded = await loadAccount(deps.eventStore, accountNumber);
      // Already done by an earlier submit of this command: same answer, nothing appended.
      const done = loaded.events.find((e) => e.id === ownEventId);
      if (done) return success(accountNumber, done.revision, done.position);

      const decision = decideDeposit(loaded.state, { accountNumber, amountCents });
      if (!decision.ok) return domainFailure(decision.error);
      try {
        const appended = await appendForCommand(
          deps.eventStore,
          accountStream(accountNumber),
          commandId,
          decision.events,
          loaded.revision,
        );
        return success(accountNumber, appended.streamRevision, appended.position);
      } catch (error) {
        if (!isWrongExpectedVersion(error)) throw error;
        // Someone appended meanwhile: reload and decide again.
      }
    }
    return failure('conflict', 'The account kept changing while depositing; please try again.');
  } catch (error) {
    return unavailable(error, 'the deposit');
  }
}
