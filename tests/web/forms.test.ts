import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Field } from '@/components/forms/field';
import { OpenAccountForm } from '@/components/forms/open-account-form';
import { RenameForm } from '@/components/forms/rename-form';
import { PaymentForm } from '@/components/forms/payment-form';

// The forms as the server renders them (what a browser without JavaScript gets).
const commandId = '0b6a4a43-54a1-4c7e-9a39-5b7ef1d6a2f4';
const html = {
  open: renderToStaticMarkup(createElement(OpenAccountForm, { commandId })),
  rename: renderToStaticMarkup(createElement(RenameForm, { accountNumber: '1000000008', commandId, holderName: 'Ada' })),
  payment: renderToStaticMarkup(createElement(PaymentForm, { accountNumber: '1000000008', commandId })),
};

/** The ids an input's aria-describedby names, and the text of those elements. */
function description(markup: string, inputId: string): string {
  const input = new RegExp(`<input[^>]*id="${inputId}"[^>]*>`).exec(markup)?.[0] ?? '';
  const ids = /aria-describedby="([^"]+)"/.exec(input)?.[1].split(' ') ?? [];
  return ids.map((id) => new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(markup)?.[1] ?? '').join(' ');
}

describe('text fields with a length limit', () => {
  it('never cut what is typed or pasted: no maxlength on any input', () => {
    for (const [form, markup] of Object.entries(html)) expect(markup, form).not.toMatch(/maxlength/i);
  });

  it('show the limit as the field hint', () => {
    expect(description(html.open, 'open-holderName')).toBe('Up to 100 characters.');
    expect(description(html.rename, 'rename-holderName')).toBe('Up to 100 characters.');
    expect(description(html.payment, 'payment-reference')).toBe('Up to 140 characters.');
  });
});

describe('a field with errors', () => {
  it('shows one message, the first, tied to the input', () => {
    const markup = renderToStaticMarkup(
      createElement(Field, { idPrefix: 't', name: 'payee', label: 'Payee', errors: ['Enter an account number', 'Account number must be 10 digits'] }),
    );
    expect(description(markup, 't-payee')).toBe('Enter an account number');
    expect(markup).not.toContain('must be 10 digits');
    expect(markup).toContain('aria-invalid="true"');
  });
});
