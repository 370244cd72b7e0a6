'use server';

import { revalidatePath } from 'next/cache';
import { makePayment } from '@/lib/commands/make-payment';
import { fieldErrorsFrom, makePaymentFormSchema } from '@/lib/commands/schemas';
import { formValues, invalidInput, isFormCall, notFormDataState, type ActionState } from './action-state';
import { failureState, positionBeforeCommand, redirectToConfirmation, runCommand } from './command-outcome';

export async function makePaymentAction(previous: ActionState, formData: FormData): Promise<ActionState> {
  if (!isFormCall(previous, formData)) return notFormDataState;
  const values = formValues(formData, ['accountNumber', 'payeeAccountNumber', 'amount', 'reference']);
  const parsed = makePaymentFormSchema.safeParse({ ...values, commandId: formData.get('commandId') });
  if (!parsed.success) return invalidInput(fieldErrorsFrom(parsed.error), values);

  const positionBefore = await positionBeforeCommand();
  const result = await runCommand(() => makePayment(parsed.data));
  const { payerAccountNumber, payeeAccountNumber } = parsed.data;
  const page = `/accounts/${payerAccountNumber}`;
  if (!result.ok) {
    // The page re-renders with the account's latest events, so the person can see whether it went through.
    if (result.code === 'unknown') revalidatePath(page);
    return failureState(result, values, parsed.data.commandId, page);
  }

  revalidatePath('/');
  revalidatePath(page);
  revalidatePath(`/accounts/${payeeAccountNumber}`);
  return redirectToConfirmation(result, parsed.data.commandId, positionBefore);
}
