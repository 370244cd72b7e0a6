'use server';

import { revalidatePath } from 'next/cache';
import { openAccount } from '@/lib/commands/open-account';
import { fieldErrorsFrom, openAccountFormSchema } from '@/lib/commands/schemas';
import { formValues, invalidInput, isFormCall, notFormDataState, type ActionState } from './action-state';
import { failureState, positionBeforeCommand, redirectToConfirmation, runCommand } from './command-outcome';

export async function openAccountAction(previous: ActionState, formData: FormData): Promise<ActionState> {
  if (!isFormCall(previous, formData)) return notFormDataState;
  const values = formValues(formData, ['holderName', 'openingBalance']);
  const parsed = openAccountFormSchema.safeParse({ ...values, commandId: formData.get('commandId') });
  if (!parsed.success) return invalidInput(fieldErrorsFrom(parsed.error), values);

  const positionBefore = await positionBeforeCommand();
  const result = await runCommand(() => openAccount(parsed.data));
  if (!result.ok) return failureState(result, values, parsed.data.commandId, '/accounts/new');

  revalidatePath('/');
  // Until the worker has projected the new account, its page shows "Updating…" instead of a 404.
  return redirectToConfirmation(result, parsed.data.commandId, positionBefore);
}
