import { expect, test, type Page } from '@playwright/test';
import { balance, form, openAccount } from './helpers';
import { serverErrors, stackLogMark, stackLogSince } from './stack-log';
import { accountEventTypes, storeClient } from './store';

// A form posted again from a page the browser returns to (Back, a reload) is the same command:
// the page's forms take their ids from the nonce in its address, and a success moves on to a
// fresh nonce. And one click or submit sends one request.

const nonceOf = (page: Page) => new URL(page.url()).searchParams.get('nonce');
const depositCommandId = (page: Page) => form(page, 'Deposit').locator('input[name="commandId"]').inputValue();

async function depositsOf(accountNumber: string): Promise<number> {
  const client = storeClient();
  try {
    return (await accountEventTypes(client, accountNumber)).filter((type) => type === 'MoneyDeposited').length;
  } finally {
    await client.dispose();
  }
}

async function submitDeposit(page: Page, amount: string) {
  const deposit = form(page, 'Deposit');
  await deposit.getByLabel('Amount').fill(amount);
  await deposit.getByRole('button', { name: 'Deposit' }).click();
}

for (const javaScriptEnabled of [false, true]) {
  test.describe(javaScriptEnabled ? 'with JavaScript' : 'without JavaScript', () => {
    test.use({ javaScriptEnabled });

    test('opening an account says so on the account page', async ({ page }) => {
      const number = await openAccount(page, 'Ada Opener', '10');
      await expect(page.getByTestId('confirmation')).toHaveText(`Account ${number} opened for Ada Opener with $10.00.`);
      // Only the change just made is confirmed: the account page reached otherwise says nothing.
      await page.goto(`/accounts/${number}`);
      await expect(balance(page)).toHaveText('$10.00');
      await expect(page.getByTestId('confirmation')).toHaveCount(0);
    });

    test('a deposit sent again after Back, or from a reloaded page, is booked once', async ({ page }) => {
      const number = await openAccount(page, 'Back Button', '10');
      const firstNonce = nonceOf(page);
      const firstId = await depositCommandId(page);

      await submitDeposit(page, '5');
      await expect(form(page, 'Deposit').getByRole('status')).toHaveText('Deposited $5.00.');
      await expect(balance(page)).toHaveText('$15.00');
      // A success leads to a fresh page: its forms are new commands.
      expect(nonceOf(page)).not.toBe(firstNonce);
      expect(await depositCommandId(page)).not.toBe(firstId);

      await page.goBack();
      await expect.poll(() => nonceOf(page)).toBe(firstNonce);
      // The page as it was: the same command id (with JavaScript, once the router has restored it).
      await expect.poll(() => depositCommandId(page)).toBe(firstId);
      await submitDeposit(page, '5');
      await expect(form(page, 'Deposit').getByRole('status')).toHaveText(
        'Deposited $5.00. This form had already been sent, so nothing was done a second time.',
      );
      await expect(balance(page)).toHaveText('$15.00');
      expect(await depositsOf(number)).toBe(1);

      // A reload of a page keeps its nonce, so its forms keep their ids too.
      await page.goBack();
      await expect.poll(() => nonceOf(page)).toBe(firstNonce);
      await page.reload();
      expect(nonceOf(page)).toBe(firstNonce);
      expect(await depositCommandId(page)).toBe(firstId);
      await submitDeposit(page, '5');
      await expect(form(page, 'Deposit').getByRole('status')).toContainText('had already been sent');

      // Other values in a used form: refused, with the way to a fresh form, which works.
      await page.goBack();
      await expect.poll(() => depositCommandId(page)).toBe(firstId);
      await submitDeposit(page, '7');
      const status = form(page, 'Deposit').getByRole('status');
      await expect(status).toContainText('Nothing was done: this form was already submitted with different values');
      await status.getByRole('link', { name: 'Start a new form' }).click();
      await expect.poll(() => nonceOf(page)).not.toBe(firstNonce);
      await submitDeposit(page, '7');
      await expect(form(page, 'Deposit').getByRole('status')).toHaveText('Deposited $7.00.');
      await expect(balance(page)).toHaveText('$22.00');
      expect(await depositsOf(number)).toBe(2);
    });

    test('the open-account form sent again after Back opens no second account', async ({ page }) => {
      await page.goto('/accounts/new');
      const openCommandId = () => page.locator('form[aria-describedby="open-status"] input[name="commandId"]').inputValue();
      const firstId = await openCommandId();
      const fillAndOpen = async () => {
        await page.getByLabel('Holder name', { exact: true }).fill('Only Once');
        await page.getByLabel('Opening balance').fill('3');
        await page.getByRole('button', { name: 'Open account' }).click();
      };
      await fillAndOpen();
      await expect(page).toHaveURL(/\/accounts\/\d{10}\?/);
      const number = new URL(page.url()).pathname.split('/').pop()!;
      await page.goBack();
      await expect(page).toHaveURL(/\/accounts\/new\?nonce=/);
      await expect.poll(openCommandId).toBe(firstId);
      await fillAndOpen();
      await expect(page).toHaveURL(new RegExp(`/accounts/${number}\\?`));
      await expect(page.getByTestId('confirmation')).toHaveText(
        `Account ${number} opened for Only Once with $3.00. This form had already been sent, so nothing was done a second time.`,
      );
      await expect(balance(page)).toHaveText('$3.00');
    });

    test('a double click books once and the server logs no error', async ({ page }) => {
      const number = await openAccount(page, 'Double Click', '0');
      const mark = stackLogMark();
      const deposit = form(page, 'Deposit');
      await deposit.getByLabel('Amount').fill('2');
      await deposit.getByRole('button', { name: 'Deposit' }).dblclick();
      await expect(form(page, 'Deposit').getByRole('status')).toContainText('Deposited $2.00.');
      await expect(balance(page)).toHaveText('$2.00');
      expect(await depositsOf(number)).toBe(1);
      expect(serverErrors(stackLogSince(mark))).toEqual([]);
    });
  });
}

test('two submits before the first answer send one request', async ({ page }) => {
  const number = await openAccount(page, 'Quick Fingers', '0');
  const mark = stackLogMark();
  const actionPosts: string[] = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.headers()['next-action']) actionPosts.push(request.url());
  });
  const deposit = form(page, 'Deposit');
  // What a click plus Enter, or a double click before React disables the button, amounts to.
  const submitTwice = () =>
    deposit.evaluate((element) => {
      const formElement = element as HTMLFormElement;
      formElement.requestSubmit();
      formElement.requestSubmit();
    });
  // An answer that stays on the page (a field error)...
  await deposit.getByLabel('Amount').fill('four');
  await submitTwice();
  await expect(deposit.getByLabel('Amount')).toHaveAttribute('aria-invalid', 'true');
  await expect(deposit.getByRole('button', { name: 'Deposit' })).toBeEnabled();
  expect(actionPosts).toHaveLength(1);
  // ...and one that moves on to the confirmation.
  await deposit.getByLabel('Amount').fill('4');
  await submitTwice();
  await expect(form(page, 'Deposit').getByRole('status')).toHaveText('Deposited $4.00.');
  await expect(balance(page)).toHaveText('$4.00');
  expect(actionPosts).toHaveLength(2);
  expect(await depositsOf(number)).toBe(1);
  expect(serverErrors(stackLogSince(mark))).toEqual([]);
});
