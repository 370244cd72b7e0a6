'use server';

import { revalidatePath } from 'next/cache';
import { deposit } from '@/lib/commands/deposit';
import { depositFormSchema, fieldErrorsFrom } from '@/lib/commands/schemas';
import { formatMoney } from '@/components/format';
import { formValues, invalidInput, type ActionState } from './action-state';
import { failureState, runCommand, successState } from './command-outcome';

export async function depositAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const values = formValues(formData, ['accountNumber', 'amount']);
  const parsed = depositFormSchema.safeParse({ ...values, commandId: formData.get('commandId') });
  if (!parsed.success) return invalidInput(fieldErrorsFrom(parsed.error), values);

  const result = await runCommand(() => deposit(parsed.data));
  if (!result.ok) return failureState(result, values);

  const state = await successState(result, `Deposited ${formatMoney(parsed.data.amountCents)}.`);
  revalidatePath('/');
  revalidatePath(`/accounts/${result.accountNumber}`);
  return state;
}
