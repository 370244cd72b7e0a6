import 'server-only';
import { WrongExpectedVersionError, type AppendExpectedRevision, type EventStoreDBClient } from '@eventstore/db-client';
import type { z } from 'zod';
import type { AccountEvent, AccountState, Decision, DomainError, EventMetadata } from '@/lib/domain';
import { isDatabaseUnavailable } from '@/lib/db/client';
import { getLogger } from '@/lib/log';
import { CorruptStreamError, loadAccount } from '@/lib/eventstore/write-model/account-stream';
import {
  claimCommandId,
  commandFingerprint,
  type Claim,
  type CommandAccepted,
  type CommandType,
} from '@/lib/eventstore/write-model/command-registry';
import { accountEventIdFor, eventIdFor } from '@/lib/eventstore/serialization/ids';
import { toEventData } from '@/lib/eventstore/serialization/events';
import { accountStream } from '@/lib/eventstore/serialization/streams';
import { failure, type CommandFailure, type CommandResult, type CommandSuccess } from './result';
import { fieldErrorsFrom, formFieldFor } from './schemas';
import { AppendOutcomeUnknownError, classifyAppendFailure } from './store-errors';

/** Form submissions start their own conversation, so correlation and causation are the command itself. */
export function metadataFor(commandId: string): EventMetadata {
  return { commandId, correlationId: commandId, causationId: commandId };
}

export type Appended = { streamRevision: bigint; position: bigint };

/**
 * A plain append of account events for a command, without the idempotency record (tools and
 * tests that write history directly). `idFor` defaults to the original id scheme.
 */
export async function appendForCommand(
  client: EventStoreDBClient,
  stream: string,
  commandId: string,
  events: AccountEvent[],
  expectedRevision: AppendExpectedRevision,
  idFor: (index: number) => string = (index) => eventIdFor(commandId, index),
): Promise<Appended> {
  const metadata = metadataFor(commandId);
  const result = await client.appendToStream(
    stream,
    events.map((event, index) => toEventData(event, metadata, idFor(index))),
    { expectedRevision },
  );
  return { streamRevision: result.nextExpectedRevision, position: result.position?.commit ?? 0n };
}

/** One command being handled: its id claimed (at most once per handling) before its first account append. */
export class CommandRun {
  readonly claim: Claim;
  private claimOutcome: 'fresh' | 'retry' | null = null;
  private readonly eventIds: string[] = [];

  constructor(
    readonly client: EventStoreDBClient,
    commandId: string,
    readonly command: CommandType,
    content: Record<string, unknown>,
  ) {
    this.claim = { commandId, command, fingerprint: commandFingerprint(command, content) };
  }

  get commandId(): string {
    return this.claim.commandId;
  }

  /** The id the index-th account event of this command gets: derived from id, type and content. */
  eventId(index = 0): string {
    // Asked for several times per handling (the lookup of an earlier submit, then the append).
    let id = this.eventIds[index];
    if (id === undefined) {
      id = accountEventIdFor(this.claim.commandId, this.command, this.claim.fingerprint, index);
      this.eventIds[index] = id;
    }
    return id;
  }

  /** Whether a stored claim record is this very command (same command and content), not another use of its id. */
  isClaimedBy(record: CommandAccepted | null | undefined): boolean {
    return !!record && record.command === this.claim.command && record.fingerprint === this.claim.fingerprint;
  }

  /** Claims the command id once per handling: 'fresh' the first time it is ever claimed, 'retry' for an exact retry. */
  async ensureClaimed(stream: string): Promise<'fresh' | 'retry' | CommandFailure> {
    if (!this.claimOutcome) {
      const claimed = await claimCommandId(this.client, this.claim, stream);
      if (!claimed.ok) return commandReused(claimed.existing);
      this.claimOutcome = claimed.fresh ? 'fresh' : 'retry';
    }
    return this.claimOutcome;
  }

  /**
   * Claims the command id (see lib/eventstore/write-model/command-registry.ts), then appends. A failure of
   * the claim leaves the account untouched, so it is an ordinary error (nothing done); a failure
   * of the account append that does not prove nothing was written is AppendOutcomeUnknownError.
   * WrongExpectedVersionError is rethrown for the caller's decide-again loop.
   */
  async append(stream: string, events: AccountEvent[], expectedRevision: AppendExpectedRevision): Promise<Appended | CommandFailure> {
    const claimed = await this.ensureClaimed(stream);
    if (claimed !== 'fresh' && claimed !== 'retry') return claimed;
    const metadata = metadataFor(this.commandId);
    // Built before the call: a payload the schemas refuse is a bug that wrote nothing.
    const data = events.map((event, index) => toEventData(event, metadata, this.eventId(index)));
    try {
      const result = await this.client.appendToStream(stream, data, { expectedRevision });
      return { streamRevision: result.nextExpectedRevision, position: result.position?.commit ?? 0n };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError || classifyAppendFailure(error) === 'not_written') throw error;
      throw new AppendOutcomeUnknownError(stream, error);
    }
  }
}

export function isFailure(value: Appended | CommandFailure): value is CommandFailure {
  return 'ok' in value && value.ok === false;
}

const COMMAND_NAMES: Record<CommandType, string> = {
  OpenAccount: 'opening an account',
  Deposit: 'a deposit',
  ChangeHolderName: 'a name change',
  MakePayment: 'a payment',
};

export function commandReused(existing: CommandAccepted | null): CommandFailure {
  const earlier = existing ? ` (${COMMAND_NAMES[existing.command]})` : '';
  return failure(
    'command_reused',
    `This form was already used for a different command${earlier}; nothing was done. Reload the page to start a new one.`,
  );
}

const UNKNOWN_MESSAGES: Record<CommandType, string> = {
  OpenAccount: 'We could not confirm whether the account was opened. Try again with the same form: it will not open a second account.',
  Deposit: 'We could not confirm whether the deposit was made. Try again with the same form: it will not deposit twice.',
  ChangeHolderName: 'We could not confirm whether the name was changed. Try again with the same form: it will not change it twice.',
  MakePayment: 'We could not confirm whether the payment was made. Try again with the same form: it will not pay twice.',
};

export function success(accountNumber: string, streamRevision: bigint, position: bigint | undefined): CommandSuccess {
  return { ok: true, accountNumber, streamRevision, position: position ?? 0n };
}

export function validationFailure(error: z.ZodError): CommandFailure {
  const fieldErrors = fieldErrorsFrom(error);
  const first = Object.values(fieldErrors)[0]?.[0];
  return failure('validation', first ? `Please fix the form: ${first}` : 'Invalid input', fieldErrors);
}

export function domainFailure(error: DomainError): CommandFailure {
  const code = error.code === 'already_exists' ? 'conflict' : error.code;
  return failure(code, error.message, error.field ? { [formFieldFor(error.field)]: [error.message] } : undefined);
}

export function isWrongExpectedVersion(error: unknown): error is WrongExpectedVersionError {
  return error instanceof WrongExpectedVersionError;
}

/** The command handlers' log: every line names the command and its ids. */
function commandLog(run: Pick<CommandRun, 'command' | 'commandId'> | undefined) {
  // Form submissions start their own conversation: the correlation id is the command id (metadataFor).
  const ids = run ? { command: run.command, commandId: run.commandId, correlationId: run.commandId } : {};
  return getLogger().child({ component: 'commands', ...ids });
}

/**
 * Anything unexpected becomes one clear answer, never a crash: 'unknown' when an account
 * append may have happened, otherwise 'unavailable' (nothing was done).
 */
export function unavailable(error: unknown, what: string, run?: Pick<CommandRun, 'command' | 'commandId'>): CommandFailure {
  const log = commandLog(run);
  if (error instanceof AppendOutcomeUnknownError) {
    log.error({ err: error.cause, stream: error.stream, outcome: 'unknown' }, `${what}: outcome unknown`);
    return failure(
      'unknown',
      run
        ? UNKNOWN_MESSAGES[run.command]
        : `We could not confirm whether ${what} was done. Try again with the same form: it will not be done twice.`,
    );
  }
  if (error instanceof CorruptStreamError) {
    log.error({ err: error, outcome: 'unavailable' }, `${what}: unreadable event in the account's stream`);
    return failure('unavailable', `This account's history contains an unreadable event; ${what} was not done.`);
  }
  if (isDatabaseUnavailable(error)) {
    log.error({ reason: error instanceof Error ? error.message : String(error), outcome: 'unavailable' }, `${what}: database unavailable`);
    return failure('unavailable', `The bank's database is unavailable right now; nothing was done. Please try again in a moment.`);
  }
  log.error({ err: error, outcome: 'unavailable' }, `${what} failed`);
  return failure('unavailable', `The bank is temporarily unavailable; ${what} was not done. Please try again.`);
}

/**
 * Decide-again rounds on a concurrent append. Not a retry with backoff (lib/retry.ts): each round
 * reads what changed and decides on it at once, and waiting would only let the stream move again.
 */
const MAX_ATTEMPTS = 5;

/**
 * The command loop shared by commands on one account's own stream: load, return the earlier
 * result if this command was already applied, decide, append at the loaded revision, and on a
 * concurrent append reload and decide again.
 */
export async function runAccountCommand(
  run: CommandRun,
  accountNumber: string,
  decide: (state: AccountState) => Decision<AccountEvent>,
  what: string,
): Promise<CommandResult> {
  const ownEventId = run.eventId();
  try {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const loaded = await loadAccount(run.client, accountNumber);
      // Already done by an earlier submit of this command: same answer, nothing appended.
      const done = loaded.events.find((e) => e.id === ownEventId);
      if (done) return success(accountNumber, done.revision, done.position);

      const decision = decide(loaded.state);
      if (!decision.ok) return domainFailure(decision.error);
      try {
        const appended = await run.append(accountStream(accountNumber), decision.events, loaded.revision);
        if (isFailure(appended)) return appended;
        return success(accountNumber, appended.streamRevision, appended.position);
      } catch (error) {
        if (!isWrongExpectedVersion(error)) throw error;
        // Someone appended meanwhile (or an earlier submit of this command did): reload and look again.
      }
    }
    return failure('conflict', `The account kept changing during ${what}; please try again.`);
  } catch (error) {
    return unavailable(error, what, run);
  }
}
