import 'server-only';
import { decideChangeHolderName } from '@/lib/domain';
import { defaultDeps, type CommandDeps } from './deps';
import type { CommandResult } from './result';
import { changeHolderNameInputSchema, type ChangeHolderNameInput } from './schemas';
import { CommandRun, runAccountCommand, validationFailure } from './support';

export async function changeHolderName(input: ChangeHolderNameInput, deps: CommandDeps = defaultDeps()): Promise<CommandResult> {
  const parsed = changeHolderNameInputSchema.safeParse(input);
  if (!parsed.success) return validationFailure(parsed.error);
  const { commandId, accountNumber, holderName } = parsed.data;
  const run = new CommandRun(deps.eventStore, commandId, 'ChangeHolderName', { accountNumber, holderName });
  return runAccountCommand(run, accountNumber, (state) => decideChangeHolderName(state, { accountNumber, holderName }), 'the name change');
}
