import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { expect, test } from '@playwright/test';
import { balance, form, openAccount } from './helpers';

test('amount fields say what is accepted', async ({ page }) => {
  await openAccount(page, 'Hint Reader', '1');
  await expect(form(page, 'Deposit').getByLabel('Amount')).toHaveAccessibleDescription(/In dollars, e\.g\. 20, 12\.34 or 1,234\.50/);
  await expect(form(page, 'Payment').getByLabel('Amount')).toHaveAccessibleDescription(/1,234\.50/);
});

test('?expect= on an account nobody opened is not found, and a malformed ?expect= is ignored', async ({ page }) => {
  for (const path of ['/accounts/0000000000?expect=0', '/accounts/0000000000?expect=abc', '/accounts/0000000000?expect=1&expect=2']) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(404);
    await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
  }
  const number = await openAccount(page, 'Expect Checker', '3');
  const response = await page.goto(`/accounts/${number}?expect=not-a-revision`);
  expect(response?.status()).toBe(200);
  await expect(balance(page)).toHaveText('$3.00');
});

test('a held account says so near its balance, and keeps the later events back', async ({ page }) => {
  const number = await openAccount(page, 'Held Holly', '10');
  const client = EventStoreDBClient.connectionString(`esdb://localhost:${process.env.E2E_EVENTSTORE_PORT}?tls=false`);
  try {
    const metadata = { commandId: crypto.randomUUID(), correlationId: 'e2e', causationId: 'e2e' };
    // A holder name with a control character: the projection refuses it and holds the stream at revision 1.
    await client.appendToStream(`account-${number}`, [
      jsonEvent({
        type: 'HolderNameChanged',
        data: { accountNumber: number, holderName: 'Evil\u0007Name', previousHolderName: 'Held Holly' },
        metadata,
      }),
      jsonEvent({ type: 'MoneyDeposited', data: { accountNumber: number, amountCents: 500 }, metadata }),
    ]);
  } finally {
    await client.dispose();
  }

  const notice = page.getByRole('alert').filter({ hasText: 'history is held at revision 1' });
  await expect(async () => {
    await page.reload();
    await expect(notice).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await expect(notice).toContainText('may be out of date');
  // The deposit after the held event is safe in the store but not in the balance.
  await expect(balance(page)).toHaveText('$10.00');
  await expect(page.getByTestId('holder-name')).toHaveText('Held Holly');
});
