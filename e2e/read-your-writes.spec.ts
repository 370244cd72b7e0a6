// "Never stale data without saying so": pause this stack's projection worker (SIGSTOP), make a
// change, and the page must say it is updating; resume it and the page must catch up by itself.

import { readFileSync, readdirSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { balance, deposit, form, historyEntries, openAccount } from './helpers';

/** The worker of the stack under test: the one whose DATABASE_URL points at this run's Postgres. */
function findWorkerPid(): number {
  const port = process.env.E2E_POSTGRES_PORT;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      // tsx in dev mode, the bundle (dist/worker/index.mjs) under npm start.
      if (!/worker\/index\.(ts|mjs)/.test(cmdline)) continue;
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (environ.some((v) => v.startsWith('DATABASE_URL=') && v.includes(`:${port}/`))) return Number(entry);
    } catch {
      // process ended while we looked
    }
  }
  throw new Error(`no projection worker found for the e2e Postgres on port ${port}`);
}

test('while the worker lags, the page says "Updating…" and then catches up on its own', async ({ page }) => {
  const number = await openAccount(page, 'Patient Person', '10');
  await expect(balance(page)).toHaveText('$10.00');
  const worker = findWorkerPid();

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
    await expect(page).toHaveURL(/\/accounts\/\d{10}\?expect=0$/);
    await expect(page.getByText(/Updating…/)).toBeVisible();
  } finally {
    process.kill(worker, 'SIGCONT');
  }
  await expect(page.getByTestId('holder-name')).toHaveText('Brand New');
  await expect(balance(page)).toHaveText('$0.00');
  expect(number).not.toBe(new URL(page.url()).pathname.split('/').pop());
});
