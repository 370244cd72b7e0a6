'use server';

import { revalidatePath } from 'next/cache';
import { changeHolderName } from '@/lib/commands/change-holder-name';
import { changeHolderNameFormSchema, fieldErrorsFrom } from '@/lib/commands/schemas';
import { formValues, invalidInput, isFormCall, notFormDataState, type ActionState } from './action-state';
import { failureState, positionBeforeCommand, redirectToConfirmation, runCommand } from './command-outcome';

export async function changeHolderNameAction(previous: ActionState, formData: FormData): Promise<ActionState> {
  if (!isFormCall(previous, formData)) return notFormDataState;
  const values = formValues(formData, ['accountNumber', 'holderName']);
  const parsed = changeHolderNameFormSchema.safeParse({ ...values, commandId: formData.get('commandId') });
  if (!parsed.success) return invalidInput(fieldErrorsFrom(parsed.error), values);

  const positionBefore = await positionBeforeCommand();
  const result = await runCommand(() => changeHolderName(parsed.data));
  const page = `/accounts/${parsed.data.accountNumber}`;
  if (!result.ok) {
    // The page re-renders with the account's latest events, so the person can see whether it went through.
    if (result.code === 'unknown') revalidatePath(page);
    return failureState(result, values, parsed.data.commandId, page);
  }

  revalidatePath('/');
  revalidatePath(`/accounts/${result.accountNumber}`);
  return redirectToConfirmation(result, parsed.data.commandId, positionBefore);
}
