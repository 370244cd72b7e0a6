import { expect, test } from '@playwright/test';
import { balance, deposit, form, historyEntries, openAccount, pay } from './helpers';

test('open two accounts, deposit, pay and rename: balances and both timelines follow', async ({ page }) => {
  const alice = await openAccount(page, 'Alice Archer', '100.00');
  await expect(balance(page)).toHaveText('$100.00');
  await expect(historyEntries(page)).toHaveCount(1);
  await expect(historyEntries(page).first()).toContainText('Account opened');

  const bob = await openAccount(page, 'Bob Baker', '0');
  await expect(balance(page)).toHaveText('$0.00');

  // Deposit on Alice's account.
  await page.goto(`/accounts/${alice}`);
  await deposit(page, '50.25');
  await expect(form(page, 'Deposit').getByRole('status').first()).toContainText('Deposited $50.25');
  await expect(balance(page)).toHaveText('$150.25');
  await expect(historyEntries(page).first()).toContainText('Deposit');
  await expect(historyEntries(page).first()).toContainText('+$50.25');
  await expect(historyEntries(page).first()).toContainText('Balance after $150.25');

  // Alice pays Bob.
  await pay(page, bob, '30', 'Lunch');
  await expect(form(page, 'Payment').getByRole('status').first()).toContainText(`Sent $30.00 to ${bob}`);
  await expect(balance(page)).toHaveText('$120.25');
  const sent = historyEntries(page).first();
  await expect(sent).toContainText('Payment sent');
  await expect(sent).toContainText('-$30.00');
  await expect(sent).toContainText('“Lunch”');
  await expect(sent.getByRole('link', { name: bob })).toBeVisible();
  await expect(historyEntries(page)).toHaveCount(3);

  // The raw event behind the entry is one click away.
  await sent.getByText('Raw event').click();
  await expect(sent.locator('pre').first()).toContainText(`"payeeAccountNumber": "${bob}"`);
  await expect(sent.locator('pre').nth(1)).toContainText('"commandId"');

  // Bob's side, reached through the counterparty link.
  await sent.getByRole('link', { name: bob }).click();
  await expect(page).toHaveURL(new RegExp(`/accounts/${bob}\\?nonce=[0-9a-f-]+$`));
  await expect(balance(page)).toHaveText('$30.00');
  const received = historyEntries(page).first();
  await expect(received).toContainText('Payment received');
  await expect(received).toContainText('+$30.00');
  await expect(received.getByRole('link', { name: alice, exact: true })).toBeVisible();

  // Rename Bob.
  const rename = form(page, 'Change holder name');
  await rename.getByLabel('New holder name').fill('Robert Baker');
  await rename.getByRole('button', { name: 'Change name' }).click();
  await expect(page.getByTestId('holder-name')).toHaveText('Robert Baker');
  await expect(historyEntries(page).first()).toContainText('Holder name changed');
  await expect(historyEntries(page).first()).toContainText('Bob Baker → Robert Baker');

  // The accounts list shows both, with the new name and balances.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Accounts' }).click();
  await expect(page.getByTestId(`balance-${alice}`)).toHaveText('$120.25');
  await expect(page.getByTestId(`balance-${bob}`)).toHaveText('$30.00');
  await expect(page.getByRole('row', { name: new RegExp(bob) })).toContainText('Robert Baker');
});

test('an overdraft attempt shows an error and changes nothing', async ({ page }) => {
  const payee = await openAccount(page, 'Payee Person', '5');
  const payer = await openAccount(page, 'Careful Spender', '20.00');
  await expect(historyEntries(page)).toHaveCount(1);

  await pay(page, payee, '20.01');
  const paymentForm = form(page, 'Payment');
  // The reason is given once, beside the amount; the status line points at it.
  const amount = paymentForm.getByLabel('Amount');
  await expect(amount).toHaveAttribute('aria-invalid', 'true');
  await expect(amount).toHaveAccessibleDescription(/insufficient funds/i);
  await expect(paymentForm.getByText(/insufficient funds/i)).toHaveCount(1);
  await expect(paymentForm.getByRole('status').first()).toContainText(/correct the highlighted/i);

  await page.reload();
  await expect(balance(page)).toHaveText('$20.00');
  await expect(historyEntries(page)).toHaveCount(1);
  await page.goto(`/accounts/${payee}`);
  await expect(balance(page)).toHaveText('$5.00');
  await expect(historyEntries(page)).toHaveCount(1);
  expect(payer).not.toBe(payee);
});

test('invalid input is rejected with a message and nothing is written', async ({ page }) => {
  // Open form: empty holder name, malformed balance.
  await page.goto('/accounts/new');
  await page.getByLabel('Opening balance').fill('12.345');
  await page.getByRole('button', { name: 'Open account' }).click();
  await expect(page.getByLabel('Holder name')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Holder name')).toHaveAccessibleDescription(/Holder name cannot be empty/);
  await expect(page.getByLabel('Opening balance')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Opening balance')).toHaveAccessibleDescription(/at most two decimals/i);
  await expect(page).toHaveURL(/\/accounts\/new\?nonce=[0-9a-f-]+$/);
  // What was typed survives the error.
  await expect(page.getByLabel('Opening balance')).toHaveValue('12.345');

  const number = await openAccount(page, 'Validated Person', '10');

  // Deposit: not a number, then zero.
  await deposit(page, 'ten dollars');
  const depositForm = form(page, 'Deposit');
  await expect(depositForm.getByLabel('Amount')).toHaveAttribute('aria-invalid', 'true');
  await expect(depositForm.getByLabel('Amount')).toHaveAccessibleDescription(
    /Amount must be a number: In dollars, e\.g\. 20, 12\.34 or 1,234\.50/,
  );
  await deposit(page, '0');
  await expect(depositForm.getByLabel('Amount')).toHaveAccessibleDescription(/Amount must be at least 0.01/);

  // Payment: to itself, and to a malformed account number.
  await pay(page, number, '1');
  const paymentForm = form(page, 'Payment');
  await expect(paymentForm.getByRole('status').first()).toContainText(/same account|yourself|itself/i);
  await pay(page, '12345', '1');
  await expect(paymentForm.getByLabel('Payee account number')).toHaveAttribute('aria-invalid', 'true');
  await expect(paymentForm.getByLabel('Payee account number')).toHaveAccessibleDescription(/Account number must be 10 digits/);

  // Rename to nothing.
  const rename = form(page, 'Change holder name');
  await rename.getByLabel('New holder name').fill('   ');
  await rename.getByRole('button', { name: 'Change name' }).click();
  await expect(rename.getByLabel('New holder name')).toHaveAccessibleDescription(/Holder name cannot be empty/);

  await page.reload();
  await expect(balance(page)).toHaveText('$10.00');
  await expect(page.getByTestId('holder-name')).toHaveText('Validated Person');
  await expect(historyEntries(page)).toHaveCount(1);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('forms still open an account, deposit and show errors', async ({ page }) => {
    const number = await openAccount(page, 'No Script', '1');
    await deposit(page, '2.50');
    await expect(balance(page)).toHaveText('$3.50');
    await expect(historyEntries(page).first()).toContainText('+$2.50');

    await deposit(page, '-5');
    await expect(form(page, 'Deposit').getByLabel('Amount')).toHaveAccessibleDescription(/Amount cannot be negative/);
    await expect(balance(page)).toHaveText('$3.50');
    expect(number).toMatch(/^\d{10}$/);
  });
});

test('an unknown or malformed account number is a 404', async ({ page }) => {
  for (const path of ['/accounts/0000000000', '/accounts/not-a-number']) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(404);
    await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
  }
});
