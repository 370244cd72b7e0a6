import { describe, expect, it } from 'vitest';
import { formValues, invalidInput } from '@/app/actions/action-state';
import { failureState, runCommand } from '@/app/actions/command-outcome';
import type { CommandErrorCode } from '@/lib/commands/result';

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
    const state = failureState(
      { ok: false, code: 'insufficient_funds', message: reason, fieldErrors: { amount: [reason] } },
      { amount: '500' },
    );
    expect(state.fieldErrors).toEqual({ amount: [reason] });
    expect(state.message).toBe(invalidInput({}, {}).message);
    expect(state.message).not.toContain(reason);
  });

  it('reports an unknown outcome as unknown, keeping the command id and what was typed', () => {
    const commandId = '5f0c6c1e-8a3b-4c1d-9e2f-0a1b2c3d4e5f';
    const state = failureState({ ok: false, code: 'unknown', message: 'connection dropped' }, { amount: '5' }, commandId);
    expect(state.status).toBe('unknown');
    expect(state.commandId).toBe(commandId);
    expect(state.values).toEqual({ amount: '5' });
    expect(state.message).toMatch(/outcome is unknown/i);
    expect(state.message).not.toMatch(/failed/i);
    expect(state.message).toMatch(/try again/i);
  });

  it('explains a reused command id and keeps it, so the first attempt stays safe to retry', () => {
    const commandId = '5f0c6c1e-8a3b-4c1d-9e2f-0a1b2c3d4e5f';
    const page = '/accounts/1000000009';
    const state = failureState({ ok: false, code: 'command_reused', message: 'reused' }, { amount: '6' }, commandId, page);
    expect(state).toMatchObject({ status: 'error', commandId, values: { amount: '6' }, freshFormHref: page });
    expect(state.message).toMatch(/already submitted with different values/);
    // A reload keeps the page's nonce, so the way on is a fresh form, not a reload.
    expect(state.message).toMatch(/start a new form/i);
    expect(state.message).not.toMatch(/reload/i);
  });

  it('does not carry the command id for failures where nothing was written', () => {
    const state = failureState({ ok: false, code: 'insufficient_funds', message: 'No' }, {}, 'x');
    expect(state.commandId).toBeUndefined();
  });

  it('answers every failure code with an error or unknown state that says something', () => {
    const codes: CommandErrorCode[] = [
      'validation',
      'not_found',
      'insufficient_funds',
      'same_account',
      'conflict',
      'unavailable',
      'unknown',
      'command_reused',
    ];
    for (const code of codes) {
      const state = failureState({ ok: false, code, message: `reason for ${code}` }, { amount: '1' }, 'id', '/accounts/1000000008');
      expect(state.status, code).toBe(code === 'unknown' ? 'unknown' : 'error');
      expect(state.message, code).toBeTruthy();
      expect(state.values, code).toEqual({ amount: '1' });
      // Only where a retry needs the same id does the form get it back.
      expect(state.commandId, code).toBe(code === 'unknown' || code === 'command_reused' ? 'id' : undefined);
    }
  });

  it('turns a handler that throws into an "unknown" result instead of a crash', async () => {
    const quiet = console.error;
    console.error = () => {};
    try {
      const result = await runCommand(async () => {
        throw new Error('connection refused');
      });
      expect(result).toMatchObject({ ok: false, code: 'unknown' });
    } finally {
      console.error = quiet;
    }
  });
});
