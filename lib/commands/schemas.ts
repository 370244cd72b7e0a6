import { z } from 'zod';
import {
  accountNumberSchema,
  amountCentsSchema,
  holderNameSchema,
  openingBalanceCentsSchema,
  parseAmountText,
  paymentReferenceSchema,
} from '@/lib/domain';

/**
 * Input schemas for the command handlers, and form schemas for the server actions that turn
 * FormData text into handler input. Field errors from both are keyed by FORM field name:
 *   commandId, holderName, openingBalance, accountNumber, amount, payeeAccountNumber, reference
 * (handler keys amountCents/openingBalanceCents/payerAccountNumber map to openingBalance/amount/accountNumber).
 */

export const commandIdSchema = z.uuid({ error: 'Command id must be a UUID' });

export const openAccountInputSchema = z.object({
  commandId: commandIdSchema,
  holderName: holderNameSchema,
  openingBalanceCents: openingBalanceCentsSchema,
});

export const depositInputSchema = z.object({
  commandId: commandIdSchema,
  accountNumber: accountNumberSchema,
  amountCents: amountCentsSchema,
});

export const changeHolderNameInputSchema = z.object({
  commandId: commandIdSchema,
  accountNumber: accountNumberSchema,
  holderName: holderNameSchema,
});

export const makePaymentInputSchema = z.object({
  commandId: commandIdSchema,
  payerAccountNumber: accountNumberSchema,
  payeeAccountNumber: accountNumberSchema,
  amountCents: amountCentsSchema,
  reference: paymentReferenceSchema.optional(),
});

export type OpenAccountInput = z.input<typeof openAccountInputSchema>;
export type DepositInput = z.input<typeof depositInputSchema>;
export type ChangeHolderNameInput = z.input<typeof changeHolderNameInputSchema>;
export type MakePaymentInput = z.input<typeof makePaymentInputSchema>;

/** "12.34" -> 1234 cents, with a readable message for anything else. */
export const amountTextSchema = z.string({ error: 'Enter an amount' }).transform((text, ctx) => {
  const parsed = parseAmountText(text);
  if (!parsed.ok) {
    ctx.addIssue({ code: 'custom', message: parsed.message });
    return z.NEVER;
  }
  return parsed.cents;
});

/** Empty means zero: opening an account without money is allowed. */
export const openingBalanceTextSchema = z
  .string()
  .optional()
  .transform((text, ctx) => {
    if (text === undefined || text.trim() === '') return 0;
    const parsed = parseAmountText(text);
    if (!parsed.ok) {
      ctx.addIssue({ code: 'custom', message: parsed.message.replace(/^Amount/, 'Opening balance') });
      return z.NEVER;
    }
    return parsed.cents;
  });

const optionalText = z
  .string()
  .optional()
  .transform((text) => (text === undefined || text.trim() === '' ? undefined : text));

export const openAccountFormSchema = z
  .object({ commandId: commandIdSchema, holderName: holderNameSchema, openingBalance: openingBalanceTextSchema })
  .transform(({ commandId, holderName, openingBalance }) => ({
    commandId,
    holderName,
    openingBalanceCents: openingBalance,
  }));

export const depositFormSchema = z
  .object({ commandId: commandIdSchema, accountNumber: accountNumberSchema, amount: amountTextSchema })
  .transform(({ commandId, accountNumber, amount }) => ({ commandId, accountNumber, amountCents: amount }));

export const changeHolderNameFormSchema = changeHolderNameInputSchema;

export const makePaymentFormSchema = z
  .object({
    commandId: commandIdSchema,
    accountNumber: accountNumberSchema,
    payeeAccountNumber: accountNumberSchema,
    amount: amountTextSchema,
    reference: optionalText.pipe(paymentReferenceSchema.optional()),
  })
  .transform(({ commandId, accountNumber, payeeAccountNumber, amount, reference }) => ({
    commandId,
    payerAccountNumber: accountNumber,
    payeeAccountNumber,
    amountCents: amount,
    ...(reference ? { reference } : {}),
  }));

const FORM_FIELD_FOR: Record<string, string> = {
  amountCents: 'amount',
  openingBalanceCents: 'openingBalance',
  payerAccountNumber: 'accountNumber',
};

/** Maps a handler/domain field name to the form field that shows its error. */
export function formFieldFor(field: string): string {
  return FORM_FIELD_FOR[field] ?? field;
}

/** Zod issues -> { formField: [messages] }, for CommandResult.fieldErrors. */
export function fieldErrorsFrom(error: z.ZodError): Record<string, string[]> {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = formFieldFor(String(issue.path[0] ?? 'form'));
    (fieldErrors[key] ??= []).push(issue.message);
  }
  return fieldErrors;
}
