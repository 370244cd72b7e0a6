import { expect, type Page } from '@playwright/test';

/** Opens an account through the form and returns its number (read from the page it lands on). */
export async function openAccount(page: Page, holderName: string, openingBalance: string): Promise<string> {
  await page.goto('/accounts/new');
  await page.getByLabel('Holder name').fill(holderName);
  await page.getByLabel('Opening balance').fill(openingBalance);
  await page.getByRole('button', { name: 'Open account' }).click();
  await expect(page).toHaveURL(/\/accounts\/\d{10}(\?|$)/);
  await expect(page.getByTestId('holder-name')).toHaveText(holderName);
  const number = new URL(page.url()).pathname.split('/').pop()!;
  return number;
}

export function form(page: Page, name: 'Deposit' | 'Payment' | 'Change holder name') {
  return page.getByRole('form', { name });
}

export async function deposit(page: Page, amount: string) {
  const deposit = form(page, 'Deposit');
  await deposit.getByLabel('Amount').fill(amount);
  await deposit.getByRole('button', { name: 'Deposit' }).click();
}

export async function pay(page: Page, payee: string, amount: string, reference?: string) {
  const payment = form(page, 'Payment');
  await payment.getByLabel('Payee account number').fill(payee);
  await payment.getByLabel('Amount').fill(amount);
  if (reference !== undefined) await payment.getByLabel('Reference (optional)').fill(reference);
  await payment.getByRole('button', { name: 'Send payment' }).click();
}

export const balance = (page: Page) => page.getByTestId('account-balance');
export const historyEntries = (page: Page) => page.getByTestId('history-entry');
