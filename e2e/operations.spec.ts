// Rebuild and reconciliation from the operations page, against the whole running stack.
import { expect, test, type Page } from '@playwright/test';
import postgres from 'postgres';
import { balance, deposit, historyEntries, openAccount, pay } from './helpers';
import { findWorker } from './stack-worker';

/** What a person sees of an account: its balance and its timeline, newest first. */
async function snapshot(page: Page, account: string) {
  await page.goto(`/accounts/${account}`);
  await expect(balance(page)).toBeVisible();
  return { balance: await balance(page).textContent(), history: await historyEntries(page).allTextContents() };
}

async function newestRun(page: Page, testId: 'rebuild-run' | 'reconciliation-run') {
  return page.getByTestId(testId);
}

test('a rebuild runs while another person keeps browsing, and balances and histories are the same after it', async ({ page, browser }) => {
  test.setTimeout(120_000);
  const ada = await openAccount(page, 'Rebuild Ada', '100');
  await deposit(page, '25');
  const bob = await openAccount(page, 'Rebuild Bob', '5');
  await pay(page, ada, '2.50', 'lunch');
  await expect(balance(page)).toHaveText('$2.50');
  const before = { ada: await snapshot(page, ada), bob: await snapshot(page, bob) };
  expect(before.ada.balance).toBe('$127.50');

  const reader = await (await browser.newContext()).newPage();
  await page.goto('/system');
  await page.getByRole('button', { name: 'Rebuild the read model' }).click();
  await expect(page.getByText(/Rebuild requested|already (requested|running)/)).toBeVisible();

  // Someone else browses all along; every page they get is whole.
  const run = await newestRun(page, 'rebuild-run');
  let views = 0;
  while ((await run.getAttribute('data-status')) !== 'done') {
    const seen = await snapshot(reader, views % 2 === 0 ? ada : bob);
    expect(seen.balance).toBe(views % 2 === 0 ? before.ada.balance : before.bob.balance);
    views += 1;
    if (views > 200) throw new Error('the rebuild did not finish');
  }
  await expect(run).toHaveAttribute('data-status', 'done');
  expect(await snapshot(reader, ada)).toEqual(before.ada);
  expect(await snapshot(reader, bob)).toEqual(before.bob);
  await reader.context().close();
});

test('reconciliation reports nothing after ordinary commands, and the one account whose row was changed in PostgreSQL', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const cy = await openAccount(page, 'Reconcile Cy', '40');
  await deposit(page, '1');
  await expect(balance(page)).toHaveText('$41.00');

  const run = await newestRun(page, 'reconciliation-run');
  const reconcile = async () => {
    await page.goto('/system');
    const started = (await run.count()) > 0 ? await page.getByTestId('reconciliation-status').textContent() : null;
    await page.getByRole('button', { name: 'Run a reconciliation' }).click();
    await expect(page.getByText('Reconciliation requested')).toBeVisible();
    await expect(run).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
    return started;
  };

  await reconcile();
  await expect(page.getByTestId('reconciliation-status')).toHaveText('no differences');

  const sql = postgres(findWorker().databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await sql`update readmodel.accounts set balance = balance + 1 where number = ${cy}`;
    await reconcile();
    await expect(page.getByTestId('reconciliation-status')).toHaveText('1 difference');
    const difference = page.getByTestId('reconciliation-difference');
    await expect(difference).toHaveCount(1);
    await expect(difference).toContainText(cy);
    await expect(difference).toContainText('balance');
    await expect(difference.getByRole('link', { name: cy })).toHaveAttribute('href', `/accounts/${cy}`);
  } finally {
    await sql`update readmodel.accounts set balance = balance - 1 where number = ${cy}`;
    await sql.end();
  }
});
