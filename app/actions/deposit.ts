'use server';

import { deposit } from '@/lib/commands/deposit';
import { depositFormSchema } from '@/lib/commands/schemas';
import { commandAction } from './command-action';

export const depositAction = commandAction(depositFormSchema, {
  fields: ['accountNumber', 'amount'],
  handle: (input) => deposit(input),
  formPage: ({ accountNumber }) => `/accounts/${accountNumber}`,
  checkPages: ({ accountNumber }) => [`/accounts/${accountNumber}`],
  changedPages: ({ accountNumber }) => ['/', `/accounts/${accountNumber}`],
});
