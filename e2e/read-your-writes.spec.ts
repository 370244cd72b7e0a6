// "Never stale data without saying so": pause this stack's projection worker (SIGSTOP), make a
// change, and the page must say it is updating; resume it and the page must catch up by itself.

import { expect, test } from '@playwright/test';
import { balance, deposit, form, historyEntries, openAccount } from './helpers';
import { findWorker } from './stack-worker';

test('while the worker lags, the page says "Updating…" and then catches up on its own', async ({ page }) => {
  const number = await openAccount(page, 'Patient Person', '10');
  await expect(balance(page)).toHaveText('$10.00');
  const { pid: worker } = findWorker();

  process.kill(worker, 'SIGSTOP');
  try {
    await deposit(page, '5');
    const depositForm = form(page, 'Deposit');
    await expect(depositForm.getByRole('status').first()).toContainText('Deposited $5.00');
    await expect(page.getByText(/Updating…/)).toBeVisible();
    // The old figures are still on screen, and the page says so.
    await expect(balance(page)).toHaveText('$10.00');
  } finally {
    process.kill(worker, 'SIGCONT');
  }

  await expect(balance(page)).toHaveText('$15.00');
  await expect(page.getByText(/Updating…/)).toHaveCount(0);
  await expect(historyEntries(page).first()).toContainText('+$5.00');

  // A new account that isn't projected yet shows "Updating…" rather than "not found".
  process.kill(worker, 'SIGSTOP');
  try {
    await page.goto('/accounts/new');
    await page.getByLabel('Holder name').fill('Brand New');
    await page.getByRole('button', { name: 'Open account' }).click();
    await expect(page).toHaveURL(/\/accounts\/\d{10}\?.*\bexpect=0\b/);
    await expect(page.getByText(/Updating…/)).toBeVisible();
  } finally {
    process.kill(worker, 'SIGCONT');
  }
  await expect(page.getByTestId('holder-name')).toHaveText('Brand New');
  await expect(balance(page)).toHaveText('$0.00');
  expect(number).not.toBe(new URL(page.url()).pathname.split('/').pop());
});
