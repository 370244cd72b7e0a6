import { formatCents, type AccountEvent } from '@/lib/domain';
import type { FormName } from './form-ids';

export type Confirmation = {
  /** The form whose change it confirms, so the page shows it where the person acted. */
  form: FormName;
  message: string;
};

export const ALREADY_DONE = 'This form had already been sent, so nothing was done a second time.';

/** What the page says after a command succeeded, from the event the store holds for it. */
export function confirmationFor(event: AccountEvent, again: boolean): Confirmation {
  const confirmation = describe(event);
  return again ? { ...confirmation, message: `${confirmation.message} ${ALREADY_DONE}` } : confirmation;
}

function describe(event: AccountEvent): Confirmation {
  switch (event.type) {
    case 'AccountOpened': {
      const { accountNumber, holderName, openingBalanceCents } = event.data;
      return {
        form: 'open-account',
        message: `Account ${accountNumber} opened for ${holderName} with $${formatCents(openingBalanceCents)}.`,
      };
    }
    case 'MoneyDeposited':
      return { form: 'deposit', message: `Deposited $${formatCents(event.data.amountCents)}.` };
    case 'PaymentMade':
      return {
        form: 'payment',
        message: `Sent $${formatCents(event.data.amountCents)} to ${event.data.payeeAccountNumber}.`,
      };
    case 'HolderNameChanged':
      return { form: 'rename', message: `Holder name changed to ${event.data.holderName}.` };
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}
