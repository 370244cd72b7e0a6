import { decideChangeHolderName } from '@/lib/domain';
import { defaultDeps, type CommandDeps } from './deps';
import type { CommandResult } from './result';
import { changeHolderNameInputSchema, type ChangeHolderNameInput } from './schemas';
import { runAccountCommand, validationFailure } from './support';

export async function changeHolderName(
  input: ChangeHolderNameInput,
  deps: CommandDeps = defaultDeps(),
): Promise<CommandResult> {
  const parsed = changeHolderNameInputSchema.safeParse(input);
  if (!parsed.success) return validationFailure(parsed.error);
  const { commandId, accountNumber, holderName } = parsed.data;
  return runAccountCommand(
    deps.eventStore,
    accountNumber,
    commandId,
    (state) => decideChangeHolderName(state, { accountNumber, holderName }),
    'the name change',
  );
}
