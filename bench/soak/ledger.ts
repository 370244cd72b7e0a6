// What the soak's clients asked and were told: every command with every answer it got, so the
// checks can hold each answer against what the store really has.
import type { CommandErrorCode, CommandResult } from '@/lib/commands';

export type CommandKind = 'open' | 'payment' | 'deposit' | 'rename';
export const COMMAND_KINDS: readonly CommandKind[] = ['open', 'payment', 'deposit', 'rename'];
export type AnswerCode = 'ok' | CommandErrorCode;

export type Answer = {
  code: AnswerCode;
  message?: string;
  accountNumber?: string;
  streamRevision?: bigint;
  at: number;
  ms: number;
  phase: string;
  /** Why this attempt was made: the first call, a client retrying a lost response, or resolving an unknown outcome. */
  why: 'first' | 'lost-response' | 'resolve';
};

export type LedgerCommand = {
  id: string;
  kind: CommandKind;
  /** The account whose stream the command writes to (the payer for a payment). */
  account: string | null;
  input: Record<string, unknown>;
  answers: Answer[];
};

/** Answers that say nothing was written (the store must not hold the command's event). */
export function isDefiniteFailure(code: AnswerCode): boolean {
  return code !== 'ok' && code !== 'unknown';
}

export function answerOf(result: CommandResult, started: number, phase: string, why: Answer['why']): Answer {
  const at = Date.now();
  return result.ok
    ? { code: 'ok', accountNumber: result.accountNumber, streamRevision: result.streamRevision, at, ms: at - started, phase, why }
    : { code: result.code, message: result.message, at, ms: at - started, phase, why };
}

export class Ledger {
  readonly commands = new Map<string, LedgerCommand>();

  add(command: LedgerCommand): void {
    this.commands.set(command.id, command);
  }

  /** The answer that counts: the last one (a retry with the same id answers for the command). */
  static final(command: LedgerCommand): Answer | undefined {
    return command.answers.at(-1);
  }

  /**
   * Commands whose outcome is still open: the last answer is 'unknown', or it is 'unavailable'
   * after an earlier 'unknown' (that retry did nothing, the first attempt may still have written).
   */
  unresolved(): LedgerCommand[] {
    return [...this.commands.values()].filter((command) => {
      const last = Ledger.final(command);
      if (!last) return false;
      if (last.code === 'unknown') return true;
      return last.code === 'unavailable' && command.answers.some((a) => a.code === 'unknown');
    });
  }

  /** Counts of final answers by kind and code, and how unknown outcomes were resolved. */
  tally(): Record<CommandKind, Record<string, number>> {
    const out = Object.fromEntries(COMMAND_KINDS.map((k) => [k, {} as Record<string, number>])) as Record<
      CommandKind,
      Record<string, number>
    >;
    for (const command of this.commands.values()) {
      const last = Ledger.final(command);
      if (!last) continue;
      const row = out[command.kind];
      row[last.code] = (row[last.code] ?? 0) + 1;
      if (command.answers.some((a) => a.code === 'unknown')) {
        const key = last.code === 'unknown' ? 'unknown, unresolved' : `unknown, resolved ${last.code}`;
        row[key] = (row[key] ?? 0) + 1;
      }
      if (command.answers.some((a) => a.why === 'lost-response')) row['response lost, retried'] = (row['response lost, retried'] ?? 0) + 1;
    }
    return out;
  }
}
