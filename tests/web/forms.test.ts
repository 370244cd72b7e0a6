import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { DepositForm } from '@/components/forms/deposit-form';
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
      createElement(Field, {
        idPrefix: 't',
        name: 'payee',
        label: 'Payee',
        errors: ['Enter an account number', 'Account number must be 10 digits'],
      }),
    );
    expect(description(markup, 't-payee')).toBe('Enter an account number');
    expect(markup).not.toContain('must be 10 digits');
    expect(markup).toContain('aria-invalid="true"');
  });
});

describe('a command form as first rendered', () => {
  const account = { accountNumber: '1000000008', commandId };
  const forms = {
    deposit: { markup: renderToStaticMarkup(createElement(DepositForm, account)), heading: 'Deposit', submit: 'Deposit' },
    payment: { markup: html.payment, heading: 'Payment', submit: 'Send payment' },
    rename: { markup: html.rename, heading: 'Change holder name', submit: 'Change name' },
  };

  it('carries the page’s command id and its account, is named by its heading and has an empty status region', () => {
    for (const [name, { markup, heading, submit }] of Object.entries(forms)) {
      expect(markup, name).toContain(`<form aria-labelledby="${name}-heading"`);
      expect(markup, name).toContain(`<h3 id="${name}-heading" class="text-base font-semibold">${heading}</h3>`);
      expect(markup, name).toContain(`<input type="hidden" name="commandId" value="${commandId}"/>`);
      expect(markup, name).toContain('<input type="hidden" name="accountNumber" value="1000000008"/>');
      expect(markup, name).toMatch(new RegExp(`<div id="${name}-status" aria-live="polite" aria-atomic="true" role="status"></div>`));
      expect(markup, name).toMatch(new RegExp(`<button type="submit"[^>]*>${submit}</button>`));
    }
  });

  it('opens an account described by its status line, without an account field', () => {
    expect(html.open).toContain('<form aria-describedby="open-status"');
    expect(html.open).toContain(`<input type="hidden" name="commandId" value="${commandId}"/>`);
    expect(html.open).not.toContain('name="accountNumber"');
    expect(html.open).toMatch(/<button type="submit"[^>]*>Open account<\/button>/);
  });
});
