import { describe, expect, it } from 'vitest';
import { idleState, isFormCall, notFormDataState, type ActionState } from '@/app/actions/action-state';
import { changeHolderNameAction } from '@/app/actions/change-holder-name';
import { depositAction } from '@/app/actions/deposit';
import { makePaymentAction } from '@/app/actions/make-payment';
import { openAccountAction } from '@/app/actions/open-account';

// What a hand-made post can make React pass to an action: a text/plain JSON body gives any
// JSON arguments, the no-JavaScript encoding any JSON previous state. None of these calls may
// reach a handler: no store or database runs here, so reaching one would fail the test.
const actions = { openAccountAction, depositAction, makePaymentAction, changeHolderNameAction };

const form = new FormData();
form.set('amount', '1');
const hostileCalls: Array<[string, unknown[]]> = [
  ['no arguments (body `[]`)', []],
  ['form data alone', [form]],
  ['a string for the form', [idleState, 'amount=1']],
  ['an object for the form', [idleState, { amount: '1', get: () => '1' }]],
  ['an array for the form', [idleState, [['amount', '1']]]],
  ['null previous state', [null, form]],
  ['a number as previous state', [5, form]],
  ['an array as previous state', [[idleState], form]],
  ['a previous state with an unknown status', [{ status: 'hacked' }, form]],
  ['a previous state without a status', [{}, form]],
];

describe('server actions called with something other than (state, FormData)', () => {
  for (const [name, action] of Object.entries(actions)) {
    for (const [label, args] of hostileCalls) {
      it(`${name}: ${label} is refused with a clear error`, async () => {
        const state = await (action as (...args: unknown[]) => Promise<ActionState>)(...args);
        expect(state).toEqual(notFormDataState);
        expect(state.status).toBe('error');
        expect(state.message).toMatch(/Nothing was done/);
      });
    }
  }
});

describe('isFormCall', () => {
  it('accepts every state an action returns as the previous one, with form data', () => {
    for (const status of ['idle', 'success', 'error', 'unknown'] as const) {
      expect(isFormCall({ status, message: 'x', values: {} }, new FormData())).toBe(true);
    }
  });

  it('refuses objects that only look like form data', () => {
    expect(isFormCall(idleState, { get: () => null, getAll: () => [] })).toBe(false);
    expect(isFormCall(idleState, new URLSearchParams('amount=1'))).toBe(false);
  });

  it('lets a real form call through to validation, which answers with field errors', async () => {
    const data = new FormData();
    data.set('commandId', crypto.randomUUID());
    data.set('accountNumber', '0000000001');
    data.set('amount', 'ten dollars');
    const state = await depositAction(idleState, data);
    expect(state.status).toBe('error');
    expect(state.fieldErrors?.amount?.[0]).toMatch(/Amount must be a number/);
    expect(state.values).toEqual({ accountNumber: '0000000001', amount: 'ten dollars' });
  });
});
