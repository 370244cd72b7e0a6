'use server';

import { revalidatePath } from 'next/cache';
import { makePayment } from '@/lib/commands/make-payment';
import { fieldErrorsFrom, makePaymentFormSchema } from '@/lib/commands/schemas';
import { formatCents } from '@/lib/domain/money';
import { formValues, invalidInput, isFormCall, notFormDataState, type ActionState } from './action-state';
import { failureState, runCommand, successState } from './command-outcome';

export async function makePaymentAction(previous: ActionState, formData: FormData): Promise<ActionState> {
  if (!isFormCall(previous, formData)) return notFormDataState;
  const values = formValues(formData, ['accountNumber', 'payeeAccountNumber', 'amount', 'reference']);
  const parsed = makePaymentFormSchema.safeParse({ ...values, commandId: formData.get('commandId') });
  if (!parsed.success) return invalidInput(fieldErrorsFrom(parsed.error), values);

  const result = await runCommand(() => makePayment(parsed.data));
  if (!result.ok) {
    // The page re-renders with the account's latest events, so the person can see whether it went through.
    if (result.code === 'unknown') revalidatePath(`/accounts/${values.accountNumber}`);
    return failureState(result, values, parsed.data.commandId);
  }

  const { amountCents, payerAccountNumber, payeeAccountNumber } = parsed.data;
  const state = await successState(result, `Sent $${formatCents(amountCents)} to ${payeeAccountNumber}.`);
  revalidatePath('/');
  revalidatePath(`/accounts/${payerAccountNumber}`);
  revalidatePath(`/accounts/${payeeAccountNumber}`);
  return state;
}
