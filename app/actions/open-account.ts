'use server';

import { openAccount } from '@/lib/commands/open-account';
import { openAccountFormSchema } from '@/lib/commands/schemas';
import { commandAction } from './command-action';

export const openAccountAction = commandAction(openAccountFormSchema, {
  fields: ['holderName', 'openingBalance'],
  handle: (input) => openAccount(input),
  formPage: () => '/accounts/new',
  // Until the worker has projected the new account, its page shows "Updating…" instead of a 404.
  changedPages: () => ['/'],
});
