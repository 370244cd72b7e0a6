import 'server-only';
import { decideDeposit } from '@/lib/domain';
import { defaultDeps, type CommandDeps } from './deps';
import type { CommandResult } from './result';
import { depositInputSchema, type DepositInput } from './schemas';
import { CommandRun, runAccountCommand, validationFailure } from './support';

export async function deposit(input: DepositInput, deps: CommandDeps = defaultDeps()): Promise<CommandResult> {
  const parsed = depositInputSchema.safeParse(input);
  if (!parsed.success) return validationFailure(parsed.error);
  const { commandId, accountNumber, amountCents } = parsed.data;
  const run = new CommandRun(deps.eventStore, commandId, 'Deposit', { accountNumber, amountCents });
  return runAccountCommand(run, accountNumber, (state) => decideDeposit(state, { accountNumber, amountCents }), 'the deposit');
}
