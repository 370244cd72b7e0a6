import type { AccountEvent, AccountOpened, HolderNameChanged, MoneyDeposited, PaymentMade } from './events';

/**
 * The account aggregate: state folded from its own stream, and one decide function per
 * command. Pure: no clock, no randomness, no I/O — everything needed is passed in.
 */

export type AccountState = { status: 'none' } | { status: 'open'; accountNumber: string; holderName: string; balanceCents: bigint };

export const initialAccountState: AccountState = { status: 'none' };

export type DomainError = {
  code: 'not_found' | 'already_exists' | 'insufficient_funds' | 'same_account' | 'validation';
  message: string;
  field?: string;
};

export type Decision<E> = { ok: true; events: E[] } | { ok: false; error: DomainError };

const reject = (code: DomainError['code'], message: string, field?: string): Decision<never> => ({
  ok: false,
  error: field ? { code, message, field } : { code, message },
});

/**
 * Folds one event of the account's own stream. A PaymentMade here is always outgoing:
 * incoming payments live on the payer's stream, and the write side never needs them
 * (the payment rule reads the payer's balance from the query model instead).
 */
export function evolve(state: AccountState, event: AccountEvent): AccountState {
  switch (event.type) {
    case 'AccountOpened':
      return {
        status: 'open',
        accountNumber: event.data.accountNumber,
        holderName: event.data.holderName,
        balanceCents: BigInt(event.data.openingBalanceCents),
      };
    case 'MoneyDeposited':
      if (state.status !== 'open') return state;
      return { ...state, balanceCents: state.balanceCents + BigInt(event.data.amountCents) };
    case 'HolderNameChanged':
      if (state.status !== 'open') return state;
      return { ...state, holderName: event.data.holderName };
    case 'PaymentMade':
      if (state.status !== 'open') return state;
      return { ...state, balanceCents: state.balanceCents - BigInt(event.data.amountCents) };
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}

export function fold(events: AccountEvent[]): AccountState {
  return events.reduce(evolve, initialAccountState);
}

export type OpenAccount = { accountNumber: string; holderName: string; openingBalanceCents: number };

export function decideOpenAccount(state: AccountState, command: OpenAccount): Decision<AccountOpened> {
  if (state.status !== 'none') {
    return reject('already_exists', `Account ${command.accountNumber} already exists`);
  }
  return { ok: true, events: [{ type: 'AccountOpened', data: { ...command } }] };
}

export type Deposit = { accountNumber: string; amountCents: number };

export function decideDeposit(state: AccountState, command: Deposit): Decision<MoneyDeposited> {
  if (state.status !== 'open') {
    return reject('not_found', `Account ${command.accountNumber} does not exist`, 'accountNumber');
  }
  return { ok: true, events: [{ type: 'MoneyDeposited', data: { ...command } }] };
}

export type ChangeHolderName = { accountNumber: string; holderName: string };

export function decideChangeHolderName(state: AccountState, command: ChangeHolderName): Decision<HolderNameChanged> {
  if (state.status !== 'open') {
    return reject('not_found', `Account ${command.accountNumber} does not exist`, 'accountNumber');
  }
  if (state.holderName === command.holderName) {
    return reject('validation', `The holder name is already "${command.holderName}"`, 'holderName');
  }
  return {
    ok: true,
    events: [
      {
        type: 'HolderNameChanged',
        data: {
          accountNumber: command.accountNumber,
          holderName: command.holderName,
          previousHolderName: state.holderName,
        },
      },
    ],
  };
}

export type MakePayment = {
  payerAccountNumber: string;
  payeeAccountNumber: string;
  amountCents: number;
  reference?: string;
};

/**
 * What the payment rule knows when it decides: the payer's balance as the query model has
 * it (the append is then guarded by the revision that balance reflects), and whether the
 * payee exists.
 */
export type PaymentContext = {
  payer: { accountNumber: string; balanceCents: bigint } | null;
  payeeExists: boolean;
};

export function decideMakePayment(context: PaymentContext, command: MakePayment): Decision<PaymentMade> {
  if (command.payerAccountNumber === command.payeeAccountNumber) {
    return reject('same_account', 'Cannot pay an account from itself', 'payeeAccountNumber');
  }
  if (!context.payer) {
    return reject('not_found', `Account ${command.payerAccountNumber} does not exist`, 'payerAccountNumber');
  }
  if (!context.payeeExists) {
    return reject('not_found', `Account ${command.payeeAccountNumber} does not exist`, 'payeeAccountNumber');
  }
  if (context.payer.balanceCents < BigInt(command.amountCents)) {
    return reject('insufficient_funds', 'Insufficient funds for this payment', 'amountCents');
  }
  const data: PaymentMade['data'] = {
    payerAccountNumber: command.payerAccountNumber,
    payeeAccountNumber: command.payeeAccountNumber,
    amountCents: command.amountCents,
  };
  if (command.reference) data.reference = command.reference;
  return { ok: true, events: [{ type: 'PaymentMade', data }] };
}
