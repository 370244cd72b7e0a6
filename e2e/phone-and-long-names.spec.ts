import { expect, test, type Page } from '@playwright/test';
import { balance, form, openAccount, pay } from './helpers';

// Every page at phone width (390×844), with the longest names the bank accepts (100 characters,
// no space to break at) everywhere a name appears: nothing may widen the page, and the main
// navigation must stay on screen and usable.

const PHONE = { width: 390, height: 844 };
const LONG_NAME = 'W'.repeat(100);
const RENAMED = 'M'.repeat(100);

test.use({ viewport: PHONE });

/** The document is no wider than the viewport, with every raw-event panel open too. */
async function expectNoHorizontalOverflow(page: Page, path: string) {
  await page.evaluate(() => document.querySelectorAll('details').forEach((details) => (details.open = true)));
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
    innerWidth: window.innerWidth,
  }));
  expect(scrollWidth, `${path}: page width ${scrollWidth} at a ${innerWidth}px viewport`).toBeLessThanOrEqual(innerWidth);
}

/** Each main navigation link is wholly on screen and is what a tap at its centre reaches. */
async function expectNavigationUsable(page: Page, path: string) {
  const links = page.getByRole('navigation', { name: 'Main' }).getByRole('link');
  await expect(links).toHaveCount(4);
  for (const link of await links.all()) {
    const name = await link.textContent();
    const box = await link.boundingBox();
    expect(box, `${path}: ${name}`).not.toBeNull();
    expect(box!.x, `${path}: ${name} starts on screen`).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width, `${path}: ${name} ends on screen`).toBeLessThanOrEqual(PHONE.width);
    const reached = await page.evaluate(
      ([x, y]) => document.elementFromPoint(x, y)?.closest('a')?.textContent ?? null,
      [box!.x + box!.width / 2, box!.y + box!.height / 2],
    );
    expect(reached, `${path}: a tap on ${name}`).toBe(name);
  }
}

/**
 * The balance cell lies wholly across the screen and inside the list's card, which needs no
 * sideways scrolling (other tests' accounts may push the row below the fold: only x counts).
 */
async function expectBalanceShown(page: Page, accountNumber: string, viewportWidth: number) {
  const cell = page.getByTestId(`balance-${accountNumber}`);
  await expect(cell).toHaveText(/^\$/);
  const box = (await cell.boundingBox())!;
  expect(box.x, `balance of ${accountNumber} starts on screen`).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width, `balance of ${accountNumber} ends on screen`).toBeLessThanOrEqual(viewportWidth);
  const card = await cell.evaluate((element) => {
    const scroller = element.closest('table')!.parentElement!;
    const bounds = scroller.getBoundingClientRect();
    return { right: bounds.right, scrollWidth: scroller.scrollWidth, clientWidth: scroller.clientWidth };
  });
  expect(box.x + box.width, `balance of ${accountNumber} inside the card`).toBeLessThanOrEqual(card.right);
  expect(card.scrollWidth, 'the accounts list fits its card').toBeLessThanOrEqual(card.clientWidth);
}

test('at phone width no page overflows, long names included, and the main navigation works', async ({ page }) => {
  test.setTimeout(120_000);
  const payee = await openAccount(page, 'Short Name', '0');
  const long = await openAccount(page, LONG_NAME, '50');
  await pay(page, payee, '5', 'R'.repeat(140));
  await expect(balance(page)).toHaveText('$45.00');
  const rename = form(page, 'Change holder name');
  await rename.getByLabel('New holder name').fill(RENAMED);
  await rename.getByRole('button', { name: 'Change name' }).click();
  await expect(page.getByTestId('holder-name')).toHaveText(RENAMED);
  // The confirmation names the new holder, in full.
  await expect(rename.getByRole('status')).toHaveText(`Holder name changed to ${RENAMED}.`);
  await expectNoHorizontalOverflow(page, 'after the rename');

  const pages = [
    '/',
    '/accounts/new',
    `/accounts/${long}`,
    `/accounts/${payee}`,
    `/accounts/${long}/at/0`,
    `/accounts/${long}/at/2`,
    `/accounts/${long}/at/99`,
    '/events',
    '/events?before=yesterday',
    '/system',
    '/system/reconciliation',
    '/accounts/0000000000',
    '/no-such-page',
  ];
  for (const path of pages) {
    await page.goto(path);
    await expectNoHorizontalOverflow(page, path);
    await expectNavigationUsable(page, path);
  }

  // The accounts list cuts a long name, keeps it whole in a tooltip, and every balance stays on screen.
  await page.goto('/');
  const holder = page.getByTestId(`holder-${long}`);
  await expect(holder).toHaveAttribute('title', RENAMED);
  for (const number of [long, payee]) await expectBalanceShown(page, number, PHONE.width);

  // The navigation takes a tap at this width.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Open account' }).click();
  await expect(page).toHaveURL(/\/accounts\/new\?nonce=/);
  await expect(page.getByRole('heading', { name: 'Open an account' })).toBeVisible();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Event log' }).click();
  await expect(page).toHaveURL(/\/events$/);
});

test('at desktop width a long name does not push the balances off the accounts list', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  const long = await openAccount(page, LONG_NAME, '12');
  await page.goto('/');
  await expectBalanceShown(page, long, 1280);
  await expect(page.getByTestId(`holder-${long}`)).toHaveAttribute('title', LONG_NAME);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
});
