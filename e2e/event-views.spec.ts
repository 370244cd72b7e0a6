import { expect, test, type Page } from '@playwright/test';
import { balance, deposit, form, historyEntries, openAccount, pay } from './helpers';

async function rename(page: Page, holderName: string) {
  const renameForm = form(page, 'Change holder name');
  await renameForm.getByLabel('New holder name').fill(holderName);
  await renameForm.getByRole('button', { name: 'Change name' }).click();
  await expect(page.getByTestId('holder-name')).toHaveText(holderName);
}

test('the event log shows every event newest first, and an account can be seen as it was', async ({ page }) => {
  const pat = await openAccount(page, 'Past Pat', '10.00'); // pat@0
  await deposit(page, '5'); // pat@1
  await expect(balance(page)).toHaveText('$15.00');
  const paula = await openAccount(page, 'Payer Paula', '100');
  await pay(page, pat, '20'); // on Paula's stream: Pat receives it
  await expect(balance(page)).toHaveText('$80.00');
  await page.goto(`/accounts/${pat}`);
  await expect(balance(page)).toHaveText('$35.00');
  await rename(page, 'Patricia Past'); // pat@2
  await deposit(page, '1'); // pat@3
  await expect(balance(page)).toHaveText('$36.00');

  // The global log, from the header: our six events on top, newest first, no system events.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Event log' }).click();
  await expect(page).toHaveURL(/\/events$/);
  const rows = page.getByTestId('event-log-entry');
  await expect(rows.nth(5)).toBeVisible();
  const expected = [
    ['MoneyDeposited', 'Deposited $1.00', `account-${pat}`, '3'],
    ['HolderNameChanged', 'Holder name Past Pat → Patricia Past', `account-${pat}`, '2'],
    ['PaymentMade', `Paid $20.00 from ${paula} to ${pat}`, `account-${paula}`, '1'],
    ['AccountOpened', 'Opened for Payer Paula with $100.00', `account-${paula}`, '0'],
    ['MoneyDeposited', 'Deposited $5.00', `account-${pat}`, '1'],
    ['AccountOpened', 'Opened for Past Pat with $10.00', `account-${pat}`, '0'],
  ];
  for (const [i, [type, summary, stream, revision]] of expected.entries()) {
    const row = rows.nth(i);
    await expect(row).toHaveAttribute('data-type', type);
    await expect(row).toContainText(summary);
    await expect(row.getByRole('link', { name: stream })).toBeVisible();
    await expect(row).toContainText(`Revision ${revision}`);
  }
  const positions = (await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-position')!))).map(BigInt);
  expect(positions).toEqual([...positions].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)));
  expect(await rows.evaluateAll((els) => els.filter((el) => el.getAttribute('data-type')!.startsWith('$')).length)).toBe(0);

  // Raw data and metadata, one click away.
  await rows.first().getByText('Raw event').click();
  await expect(rows.first().getByTestId('raw-data')).toContainText('"amountCents": 100');
  await expect(rows.first().getByTestId('raw-metadata')).toContainText('"commandId"');

  // Cursor paging: older than the third row starts at the fourth; "Newer" leads back to the top.
  await page.goto(`/events?before=${positions[2]}`);
  await expect(rows.first()).toHaveAttribute('data-position', String(positions[3]));
  await page.getByRole('navigation', { name: 'Event log pages', exact: true }).getByRole('link', { name: '← Newer' }).click();
  await expect(page).toHaveURL(new RegExp(`/events\\?after=${positions[3]}$`));
  await expect(rows.first()).toHaveAttribute('data-position', String(positions[0]));
  await expect(rows.nth(2)).toHaveAttribute('data-position', String(positions[2]));

  // A malformed cursor gets a message, not a crash.
  await page.goto('/events?before=yesterday');
  await expect(page.getByRole('alert').filter({ hasText: '“before” must be a commit position' })).toBeVisible();

  // From Pat's timeline to Pat as of the rename: the new name, and the payment received counts.
  await page.goto(`/accounts/${pat}`);
  const renamed = historyEntries(page).and(page.locator('[data-kind="HolderNameChanged"]'));
  await renamed.getByRole('link', { name: 'State at this point' }).click();
  await expect(page).toHaveURL(new RegExp(`/accounts/${pat}/at/2$`));
  await expect(page.getByTestId('historical-banner')).toContainText('Historical view');
  await expect(page.getByTestId('past-holder-name')).toHaveText('Patricia Past');
  await expect(page.getByTestId('past-balance')).toHaveText('$35.00');
  await expect(page.getByRole('list', { name: 'The last event applied' })).toContainText('HolderNameChanged');

  // One step earlier: the old name, before the incoming payment.
  await page.getByRole('link', { name: '← Revision 1' }).click();
  await expect(page).toHaveURL(new RegExp(`/accounts/${pat}/at/1$`));
  await expect(page.getByTestId('past-holder-name')).toHaveText('Past Pat');
  await expect(page.getByTestId('past-balance')).toHaveText('$15.00');

  await page.getByRole('link', { name: 'Back to now' }).click();
  await expect(page).toHaveURL(new RegExp(`/accounts/${pat}\\?nonce=[0-9a-f-]+$`));
  await expect(balance(page)).toHaveText('$36.00');

  // Revisions that do not exist are explained.
  await page.goto(`/accounts/${pat}/at/4`);
  await expect(page.getByRole('alert').filter({ hasText: 'has events up to revision 3 only' })).toBeVisible();
  await page.goto(`/accounts/${pat}/at/-1`);
  await expect(page.getByRole('alert').filter({ hasText: 'is not a revision' })).toBeVisible();
});
