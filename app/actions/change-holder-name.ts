'use server';

import { changeHolderName } from '@/lib/commands/change-holder-name';
import { changeHolderNameFormSchema } from '@/lib/commands/schemas';
import { commandAction } from './command-action';

export const changeHolderNameAction = commandAction(changeHolderNameFormSchema, {
  fields: ['accountNumber', 'holderName'],
  handle: (input) => changeHolderName(input),
  formPage: ({ accountNumber }) => `/accounts/${accountNumber}`,
  checkPages: ({ accountNumber }) => [`/accounts/${accountNumber}`],
  changedPages: ({ accountNumber }) => ['/', `/accounts/${accountNumber}`],
});
