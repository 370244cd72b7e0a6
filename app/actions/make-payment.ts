'use server';

import { makePayment } from '@/lib/commands/make-payment';
import { makePaymentFormSchema } from '@/lib/commands/schemas';
import { commandAction } from './command-action';

export const makePaymentAction = commandAction(makePaymentFormSchema, {
  fields: ['accountNumber', 'payeeAccountNumber', 'amount', 'reference'],
  handle: (input) => makePayment(input),
  formPage: ({ payerAccountNumber }) => `/accounts/${payerAccountNumber}`,
  checkPages: ({ payerAccountNumber }) => [`/accounts/${payerAccountNumber}`],
  // The payee's balance and timeline change too: the projection credits it.
  changedPages: ({ payerAccountNumber, payeeAccountNumber }) => ['/', `/accounts/${payerAccountNumber}`, `/accounts/${payeeAccountNumber}`],
});
