import { decideDeposit } from '@/lib/domain';
import { defaultDeps, type CommandDeps } from './deps';
import type { CommandResult } from './result';
import { depositInputSchema, type DepositInput } from './schemas';
import { runAccountCommand, validationFailure } from './support';

export async function deposit(input: DepositInput, deps: CommandDeps = defaultDeps()): Promise<CommandResult> {
  const parsed = depositInputSchema.safeParse(input);
  if (!parsed.success) return validationFailure(parsed.error);
  const { commandId, accountNumber, amountCents } = parsed.data;
  return runAccountCommand(
    deps.eventStore,
    accountNumber,
    commandId,
    (state) => decideDeposit(state, { accountNumber, amountCents }),
    'the deposit',
  );
}
