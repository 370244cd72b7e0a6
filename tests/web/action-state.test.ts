import { describe, expect, it } from 'vitest';
import { formValues, invalidInput } from '@/app/actions/action-state';
import { failureState, runCommand } from '@/app/actions/command-outcome';

describe('server action state', () => {
  it('echoes typed text fields, missing ones as empty, never files', () => {
    const data = new FormData();
    data.set('amount', '12.34');
    data.set('file', new Blob(['x']));
    expect(formValues(data, ['amount', 'reference', 'file'])).toEqual({ amount: '12.34', reference: '', file: '' });
  });

  it('keeps field errors and what was typed on invalid input', () => {
    const state = invalidInput({ amount: ['Enter an amount'] }, { amount: '' });
    expect(state).toMatchObject({ status: 'error', fieldErrors: { amount: ['Enter an amount'] }, values: { amount: '' } });
    expect(state.message).toBeTruthy();
  });

  it('maps a handler failure to an error state with its message and field errors', () => {
    const state = failureState(
      { ok: false, code: 'insufficient_funds', message: 'Insufficient funds', fieldErrors: { amount: ['Too much'] } },
      { amount: '500' },
    );
    expect(state).toEqual({
      status: 'error',
      message: 'Insufficient funds',
      fieldErrors: { amount: ['Too much'] },
      values: { amount: '500' },
    });
  });

  it('points at the field instead of repeating a reason already shown beside it', () => {
    const reason = 'Insufficient funds for this payment';
    const state = failureState({ ok: false, code: 'insufficient_funds', message: reason, fieldErrors: { amount: [reason] } }, { amount: '500' });
    expect(state.fieldErrors).toEqual({ amount: [reason] });
    expect(state.message).toBe(invalidInput({}, {}).message);
    expect(state.message).not.toContain(reason);
  });

  it('turns a handler that throws into an "unavailable" result instead of a crash', async () => {
    const quiet = console.error;
    console.error = () => {};
    try {
      const result = await runCommand(async () => {
        throw new Error('connection refused');
      });
      expect(result).toMatchObject({ ok: false, code: 'unavailable' });
    } finally {
      console.error = quiet;
    }
  });
});
