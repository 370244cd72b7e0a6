import { expect, test, type Locator, type Page } from '@playwright/test';
import { balance, deposit, openAccount, pay } from './helpers';

// Tess: 1 opened with $10.00 · 2 deposit $5.00 (revision 1) · 3 payment of $20.00 received from
// Paula (on Paula's stream) · 4 payment of $3.00 made to Paula (revision 2). Today: $32.00.
let tess: string;
let paula: string;

test.beforeAll(async ({ browser, baseURL }) => {
  const page = await browser.newPage({ baseURL });
  tess = await openAccount(page, 'Tess Traveller', '10.00');
  await deposit(page, '5');
  await expect(balance(page)).toHaveText('$15.00');
  paula = await openAccount(page, 'Payer Paula', '100');
  await pay(page, tess, '20', 'Rent share');
  await expect(balance(page)).toHaveText('$80.00');
  await page.goto(`/accounts/${tess}`);
  await expect(balance(page)).toHaveText('$35.00');
  await pay(page, paula, '3');
  await expect(balance(page)).toHaveText('$32.00');
  await page.close();
});

const control = (page: Page) => page.getByTestId('time-travel');
const stateField = (scope: Locator, field: string) => scope.getByTestId('time-travel-state').locator(`[data-field="${field}"] dd`);
const changeRow = (scope: Locator, table: string, field: string) => scope.getByTestId(table).locator(`tr[data-field="${field}"]`);

async function expectChange(scope: Locator, table: string, field: string, from: string, to: string) {
  const row = changeRow(scope, table, field);
  await expect(row.locator('td').nth(0)).toHaveText(`was ${from}`);
  await expect(row.locator('td').nth(1)).toHaveText(`→ became ${to}`);
}

test('the slider steps through every point with JavaScript, and a payee sees its state right after a payment it received', async ({
  page,
}) => {
  await page.goto(`/accounts/${tess}`);
  const section = control(page);
  const slider = page.getByRole('slider', { name: 'Point in history' });
  // The latest point by default.
  await expect(section).toHaveAttribute('data-point', '4');
  await expect(slider).toHaveAttribute('max', '4');
  await expect(section.getByTestId('time-travel-point')).toContainText('Payment made -$3.00 to');

  // The keyboard moves it; the state before the payment arrived: $15.00, and what the deposit changed.
  await slider.focus();
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await expect(section).toHaveAttribute('data-point', '2');
  await expect(page).toHaveURL(new RegExp(`/accounts/${tess}\\?point=2(&nonce=[0-9a-f-]+)?#time-travel$`));
  await expect(section.getByTestId('time-travel-point')).toContainText('Deposit +$5.00');
  await expect(stateField(section, 'balanceCents')).toHaveText('$15.00');
  await expect(stateField(section, 'paymentsReceived')).toHaveText('0');
  await expectChange(section, 'time-travel-since-previous', 'balanceCents', '$10.00', '$15.00');
  await expectChange(section, 'time-travel-since-previous', 'deposits', '0', '1');
  await expectChange(section, 'time-travel-until-today', 'balanceCents', '$15.00', '$32.00');
  await expect(page.getByTestId('time-travel-status')).toContainText('Point 2 of 4: Deposit +$5.00. Changed: Balance $10.00 → $15.00');
  // The page's own balance is today's, untouched.
  await expect(balance(page)).toHaveText('$32.00');

  // Next: the payment Tess received, on Paula's stream.
  await section.getByRole('link', { name: 'Next →' }).click();
  await expect(section).toHaveAttribute('data-point', '3');
  await expect(section.getByTestId('time-travel-point')).toContainText(`Payment received +$20.00 from ${paula} “Rent share”`);
  await expect(stateField(section, 'balanceCents')).toHaveText('$35.00');
  await expectChange(section, 'time-travel-since-previous', 'balanceCents', '$15.00', '$35.00');
  await expectChange(section, 'time-travel-since-previous', 'paymentsReceived', '0', '1');

  // Its own past-state page, addressed by the payment's position.
  await section.getByRole('link', { name: 'Open this past state' }).click();
  await expect(page).toHaveURL(new RegExp(`/accounts/${tess}/at\\?position=\\d+$`));
  await expect(page.getByTestId('historical-banner')).toContainText(`right after the payment it received from ${paula}`);
  await expect(page.getByTestId('past-balance')).toHaveText('$35.00');
  await expect(page.getByTestId('past-holder-name')).toHaveText('Tess Traveller');
  await expect(page.getByRole('list', { name: 'The last event applied' })).toContainText(`Paid $20.00 from ${paula} to ${tess}`);
  const past = page.locator('main');
  await expectChange(past, 'past-since-previous', 'balanceCents', '$15.00', '$35.00');
  await expectChange(past, 'past-until-today', 'balanceCents', '$35.00', '$32.00');

  // End goes to the latest.
  await page.goto(`/accounts/${tess}?point=1#time-travel`);
  await expect(control(page)).toHaveAttribute('data-point', '1');
  await page.getByRole('slider', { name: 'Point in history' }).focus();
  await page.keyboard.press('End');
  await expect(control(page)).toHaveAttribute('data-point', '4');
  await expect(page.getByTestId('time-travel-until-today')).toContainText('Nothing: this is the account as it is today.');
});

test('time travel to the revision before a payment shows the old balance and the diff', async ({ page }) => {
  // Revision 1 is the deposit, the last own event before the payment received.
  await page.goto(`/accounts/${tess}/at/1`);
  await expect(page.getByTestId('past-balance')).toHaveText('$15.00');
  const past = page.locator('main');
  await expectChange(past, 'past-since-previous', 'balanceCents', '$10.00', '$15.00');
  await expectChange(past, 'past-until-today', 'balanceCents', '$15.00', '$32.00');
  await expectChange(past, 'past-until-today', 'paymentsReceived', '0', '1');
  await expectChange(past, 'past-until-today', 'paymentsMade', '0', '1');
  await page.getByRole('link', { name: /^Next point/ }).click();
  await expect(page).toHaveURL(new RegExp(`/accounts/${tess}/at\\?position=\\d+$`));
  await expect(page.getByTestId('past-balance')).toHaveText('$35.00');
  await page.getByRole('link', { name: /^Next point/ }).click();
  await expect(page).toHaveURL(new RegExp(`/accounts/${tess}/at/2$`));
  await expect(page.getByTestId('past-balance')).toHaveText('$32.00');

  // asOf: after everything is the latest; before the opening there is nothing.
  await page.goto(`/accounts/${tess}/at?asOf=9999-01-01T00:00:00Z`);
  await expect(page.getByTestId('past-balance')).toHaveText('$32.00');
  await page.goto(`/accounts/${tess}/at/0?asOf=1970-01-01T00:00:00Z`);
  await expect(page).toHaveURL(new RegExp(`/accounts/${tess}/at\\?asOf=`));
  await expect(page.getByRole('alert').filter({ hasText: 'it did not exist yet at 1970-01-01 00:00:00 UTC' })).toBeVisible();
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the control is links and a form', async ({ page }) => {
    await page.goto(`/accounts/${tess}`);
    const section = control(page);
    await expect(section).toHaveAttribute('data-point', '4');
    await section.getByRole('link', { name: '← Previous' }).click();
    await expect(page).toHaveURL(new RegExp(`/accounts/${tess}\\?point=3(&nonce=[0-9a-f-]+)?#time-travel$`));
    await expect(control(page)).toHaveAttribute('data-point', '3');
    await expect(stateField(control(page), 'balanceCents')).toHaveText('$35.00');
    await control(page).getByRole('link', { name: 'First' }).click();
    await expect(control(page)).toHaveAttribute('data-point', '1');
    await expect(control(page).getByTestId('time-travel-point')).toContainText('Account opened $10.00 for Tess Traveller');

    // The slider is a GET form field: move it and press Show.
    await page.getByRole('slider', { name: 'Point in history' }).evaluate((input: HTMLInputElement) => {
      input.value = '2';
    });
    await control(page).getByRole('button', { name: 'Show' }).click();
    await expect(page).toHaveURL(new RegExp(`/accounts/${tess}\\?point=2(&nonce=[0-9a-f-]+)?#time-travel$`));
    await expect(stateField(control(page), 'balanceCents')).toHaveText('$15.00');

    // The asOf form of /at.
    await page.goto(`/accounts/${tess}/at`);
    await page.getByLabel('Date and time (UTC)').fill('2999-01-01T00:00:00');
    await page.getByRole('button', { name: 'Show the account then' }).click();
    await expect(page).toHaveURL(/asOf=2999-01-01T00%3A00/);
    await expect(page.getByTestId('past-balance')).toHaveText('$32.00');
  });
});

test('bad time-travel addresses get a reason, and points that do not exist say so', async ({ page, request }) => {
  for (const [address, reason] of [
    [`/accounts/${tess}?point=abc`, '“point” must be a whole number'],
    [`/accounts/${tess}/at?position=-3`, '“position” must be a $all commit position'],
    [`/accounts/${tess}/at?asOf=yesterday`, '“asOf” must be an ISO 8601 date and time'],
    [`/accounts/${tess}/at?asOf=2026-02-30T10:00:00Z`, '“asOf” must be an ISO 8601 date and time'],
    [`/accounts/${tess}/at/1?position=1&asOf=2026-12-06T10:00:00Z`, 'Give either “position” or “asOf”, not both.'],
    [`/accounts/${tess}/at/x`, 'is not a revision'],
  ]) {
    const response = await page.goto(address);
    expect(response?.status(), address).toBe(404);
    await expect(page.getByRole('alert').filter({ hasText: reason }), address).toBeVisible();
  }
  await page.goto(`/accounts/${tess}?point=9#time-travel`);
  await expect(control(page).getByRole('alert')).toContainText('This account’s history has 4 points; point 9 does not exist (yet).');
  await page.goto(`/accounts/${tess}/at?position=1`);
  await expect(
    page.getByRole('alert').filter({ hasText: `No event at $all position 1 is part of account ${tess}’s history` }),
  ).toBeVisible();
  await page.goto(`/accounts/${tess}/at/3`);
  await expect(page.getByRole('alert').filter({ hasText: 'has events up to revision 2 only' })).toBeVisible();
  expect((await page.goto('/accounts/0000000000/at?position=5'))?.status()).toBe(404);

  const api = (query: string) => request.get(`/api/accounts/${tess}/time-travel${query}`, { failOnStatusCode: false });
  expect((await api('?point=0')).status()).toBe(400);
  expect((await api('?point=1&point=2')).status()).toBe(400);
  expect((await api('?point=99')).status()).toBe(404);
  const ok = await api('?point=3');
  expect(ok.status()).toBe(200);
  expect(await ok.json()).toMatchObject({
    total: 4,
    point: { number: 3, kind: 'received', counterparty: paula },
    state: { balanceCents: '3500' },
  });
});

test('at 390 px wide the time-travel views do not overflow sideways', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  for (const address of [`/accounts/${tess}?point=3`, `/accounts/${tess}/at/1`, `/accounts/${tess}/at?asOf=9999-01-01T00:00:00Z`]) {
    await page.goto(address);
    await expect(page.getByTestId('past-balance').or(control(page)).first()).toBeVisible();
    // The page's content, and every time-travel element, fit the viewport (the site header is the layout's).
    const overflow = await page.evaluate(() => {
      const main = document.querySelector('main')!;
      const sections = [...document.querySelectorAll('main section, main nav, main table')];
      return {
        main: main.scrollWidth - main.clientWidth,
        wider: sections.filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5).map((el) => el.outerHTML.slice(0, 80)),
      };
    });
    expect(overflow, address).toEqual({ main: 0, wider: [] });
  }
});
