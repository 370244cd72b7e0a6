import { randomBytes } from 'node:crypto';
import { jsonEvent } from '@eventstore/db-client';
import { expect, test, type Page } from '@playwright/test';
import { accountNumberFromSeed } from '../lib/domain/account-number';
import { balance, deposit, openAccount, pay } from './helpers';
import { storeClient } from './store';
import { startForwarder } from './tcp-forwarder';

// Live updates over the SSE stream, the operations page and its charts, against the whole stack.

const indicator = (page: Page) => page.getByTestId('live-indicator');
const expectLive = (page: Page) => expect(indicator(page)).toHaveAttribute('data-status', 'live');

/** A mark that survives client-side refreshes and is lost by any reload or navigation. */
async function markDocument(page: Page) {
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
}
async function expectSameDocument(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
}

async function appendToStore(stream: string, type: string, data: Record<string, unknown>) {
  const client = storeClient();
  try {
    const metadata = { commandId: crypto.randomUUID(), correlationId: 'e2e-live-ops', causationId: 'e2e-live-ops' };
    await client.appendToStream(stream, jsonEvent({ type, data, metadata }));
  } finally {
    await client.dispose();
  }
}

test('a payment made in one browser appears by itself in another browser’s account page and event log', async ({ page, browser }) => {
  const payer = await openAccount(page, 'Live Payer', '100');
  const watcher = await browser.newContext();
  try {
    const accountPage = await watcher.newPage();
    const payee = await openAccount(accountPage, 'Live Payee', '5');
    const logPage = await watcher.newPage();
    await logPage.goto('/events');
    await expectLive(accountPage);
    await expectLive(logPage);
    await markDocument(accountPage);
    await markDocument(logPage);

    await page.goto(`/accounts/${payer}`);
    await pay(page, payee, '12.34', 'live-e2e');
    const paidAt = Date.now();
    // Within a second on a quiet machine; the timeout only absorbs a slow one. No reload: the live path.
    await expect(balance(accountPage)).toHaveText('$17.34', { timeout: 5_000 });
    const seenAfterMs = Date.now() - paidAt;
    await expect(logPage.getByTestId('event-log-entry').first()).toHaveAttribute('data-type', 'PaymentMade', { timeout: 5_000 });
    await expect(logPage.getByTestId('event-log-entry').first()).toContainText(`account-${payer}`);
    await expectSameDocument(accountPage);
    await expectSameDocument(logPage);
    const figure = `${seenAfterMs} ms after the payer's payment call returned`;
    test.info().annotations.push({ type: 'payee page updated', description: figure });
    console.log(`[live-ops] the payee's open page showed the payment ${figure}`);
  } finally {
    await watcher.close();
  }
});

test('the indicator shows live, then reconnecting when the stream drops, then live again; paused by the person, it catches up on resume', async ({
  page,
  browser,
}) => {
  const number = await openAccount(page, 'Indicator Ivy', '1');
  // This page reaches the app through a forwarder the test can cut, like a network drop.
  const forwarder = await startForwarder(Number(process.env.E2E_PORT));
  try {
    await page.goto(`http://localhost:${forwarder.port}/accounts/${number}`);
    await expectLive(page);
    await expect(indicator(page)).toContainText('Live');
    await markDocument(page);

    forwarder.cut();
    await expect(indicator(page)).toHaveAttribute('data-status', 'reconnecting');
    await expect(indicator(page)).toContainText('Reconnecting');
    forwarder.restore();
    await expectLive(page);

    await indicator(page).getByRole('button', { name: 'Pause live updates' }).click();
    await expect(indicator(page)).toHaveAttribute('data-status', 'paused');
    await expect(indicator(page)).toContainText('Paused by you');
    const other = await browser.newContext();
    try {
      const otherPage = await other.newPage();
      await otherPage.goto(`/accounts/${number}`);
      await deposit(otherPage, '2');
      await expect(balance(otherPage)).toHaveText('$3.00');
    } finally {
      await other.close();
    }
    await expect(balance(page)).toHaveText('$1.00'); // paused: not updated
    await indicator(page).getByRole('button', { name: 'Resume live updates' }).click();
    // Reopened from the last event it had: the missed deposit is sent and the page refreshes.
    await expect(balance(page)).toHaveText('$3.00', { timeout: 5_000 });
    await expectLive(page);
    await expectSameDocument(page);
  } finally {
    await forwarder.close();
  }
});

test('a poison event shows on /system as parked with its reason and as a held stream; replayed unfixed, it is parked again', async ({
  page,
}) => {
  const number = await openAccount(page, 'Poison Polly', '10');
  await page.goto('/system');
  await expectLive(page);
  await markDocument(page);
  // The domain refuses U+0000 in a holder name when it reads the event: the worker holds the stream and parks it.
  await appendToStore(`account-${number}`, 'HolderNameChanged', {
    accountNumber: number,
    holderName: 'Polly\u0000Null',
    previousHolderName: 'Poison Polly',
  });

  const held = page.getByTestId('held-stream').filter({ hasText: `account-${number}` });
  await expect(held).toBeVisible(); // arrives live
  await expect(held).toContainText('held at revision 1');
  await expect(held.getByTestId('held-stream-reason')).toContainText('Holder name cannot contain control characters');
  await expect(held.getByRole('link', { name: `account-${number}` })).toHaveAttribute('href', `/accounts/${number}`);
  await expectSameDocument(page);
  // The hold arrives live (it is a read-model change); the park is the store's, written after the
  // worker's nack, which rings no doorbell: the page may have refreshed just before it.
  const parked = page.getByTestId('parked-event').filter({ hasText: `account-${number}` });
  await expect(async () => {
    await page.reload();
    await expect(parked).toContainText('HolderNameChanged', { timeout: 1_000 });
  }).toPass();
  await expect(parked.getByTestId('parked-event-reason')).toContainText('The worker: Invalid HolderNameChanged payload');

  await page.getByRole('button', { name: 'Replay parked events' }).click();
  await expect(page.getByRole('form', { name: 'Replay parked events' }).getByRole('status')).toContainText(
    /parked events? (was|were) sent back to the worker/,
  );
  // Nothing was fixed: the worker fails on it again, parks it again, and keeps the stream held.
  // (Parking again changes nothing in the read model, so no doorbell rings: reload to see it.)
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId('parked-event').filter({ hasText: `account-${number}` })).toBeVisible({ timeout: 1_000 });
  }).toPass();
  await expect(held).toBeVisible();

  // The account page says it is held and points here.
  await page.goto(`/accounts/${number}`);
  await expect(page.getByTestId('held-notice').getByRole('link', { name: /held streams/ })).toHaveAttribute('href', '/system#held-streams');
});

test('once the cause is fixed, "Replay parked events" resumes the held stream', async ({ page }) => {
  const payer = await openAccount(page, 'Fix Felix', '5');
  const payee = accountNumberFromSeed(randomBytes(8)); // nobody has opened it
  await page.goto('/system');
  await expectLive(page);
  await appendToStore(`account-${payer}`, 'PaymentMade', { payerAccountNumber: payer, payeeAccountNumber: payee, amountCents: 100 });
  const held = page.getByTestId('held-stream').filter({ hasText: `account-${payer}` });
  await expect(held.getByTestId('held-stream-reason')).toContainText(`payee ${payee} is not in the read model`);
  await expect(async () => {
    await page.reload(); // the park rings no doorbell (above)
    await expect(page.getByTestId('parked-event').filter({ hasText: `account-${payer}` })).toContainText(payee, { timeout: 1_000 });
  }).toPass();

  // The cause goes away: the payee's opening arrives (and is projected).
  await appendToStore(`account-${payee}`, 'AccountOpened', { accountNumber: payee, holderName: 'Late Payee', openingBalanceCents: 0 });
  const payeePage = await page.context().newPage();
  await expect(async () => {
    await payeePage.goto(`/accounts/${payee}`);
    await expect(payeePage.getByTestId('holder-name')).toHaveText('Late Payee', { timeout: 1_000 });
  }).toPass();
  await payeePage.close();

  await markDocument(page);
  await page.getByRole('button', { name: 'Replay parked events' }).click();
  await expect(page.getByRole('form', { name: 'Replay parked events' }).getByRole('status')).toContainText(/sent back to the worker/);
  await expect(held).toHaveCount(0);
  await expect(page.getByTestId('parked-event').filter({ hasText: `account-${payer}` })).toHaveCount(0);
  await expectSameDocument(page);
  await page.goto(`/accounts/${payer}`);
  await expect(balance(page)).toHaveText('$4.00');
  await expect(page.getByTestId('held-notice')).toHaveCount(0);
});

test('/system shows lag, a chart of events per minute and the consumer group, fits 390 px, and draws without CSP violations', async ({
  page,
}) => {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content.Security.Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  const number = await openAccount(page, 'Chart Charlie', '3');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/system');
  await expect(page.getByRole('link', { name: 'Operations' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('events-behind')).toHaveText(/^\d/);
  await expect(page.getByTestId('store-position')).toHaveText(/^\d+$/);
  await expect(page.getByTestId('group-connection-count')).toHaveText('1');
  await expect(page.getByTestId('group-connections').getByRole('row')).toHaveCount(1);
  const throughput = page.getByTestId('section-throughput');
  await expect(throughput.getByText('Events per minute, last hour', { exact: true })).toBeVisible();
  await expect(throughput.getByTestId('chart').locator('svg.recharts-surface')).toBeVisible();
  // The table stays for screen readers: 60 minutes.
  await expect(throughput.getByRole('table').getByRole('row')).toHaveCount(61);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  await page.goto(`/accounts/${number}`);
  await expect(page.getByTestId('balance-history').getByTestId('chart').locator('svg.recharts-surface')).toBeVisible();
  expect(violations).toEqual([]);
});

test('an account page charts its balance, fits 390 px, and without JavaScript shows the same points as a table', async ({
  page,
  browser,
}) => {
  const number = await openAccount(page, 'Graph Grace', '10');
  await deposit(page, '5');
  await expect(balance(page)).toHaveText('$15.00');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  const chart = page.getByTestId('balance-history');
  await expect(chart.getByText('Balance over time', { exact: true })).toBeVisible();
  await expect(chart.getByTestId('chart').locator('svg.recharts-surface')).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  const noScript = await browser.newContext({ javaScriptEnabled: false });
  try {
    const plain = await noScript.newPage();
    await plain.goto(`/accounts/${number}`);
    const table = plain.getByTestId('balance-history').getByRole('table');
    await expect(table).toBeVisible();
    await expect(table.getByRole('row')).toHaveCount(3);
    await expect(table.getByRole('row').nth(2)).toContainText('$15.00');
    // (Its <noscript> line cannot be checked here: Playwright turns scripts off, not the parser's scripting flag.)
    await expect(plain.getByTestId('live-indicator')).toHaveCount(0);

    // The operations page and its replay form work without JavaScript too.
    await plain.goto('/system');
    await expect(plain.getByTestId('section-throughput').getByRole('table')).toBeVisible();
    await plain.getByRole('button', { name: 'Replay parked events' }).click();
    await expect(plain.getByRole('form', { name: 'Replay parked events' }).getByRole('status')).toContainText(/parked events|sent back/);
  } finally {
    await noScript.close();
  }
});

test('the live stream refuses bad parameters with a 400 that says why', async ({ request }) => {
  const bad = await request.get('/api/live?account=12345');
  expect(bad.status()).toBe(400);
  expect(await bad.text()).toContain('account must be a 10-digit account number');
  const unknown = await request.get('/api/live?x=1');
  expect(unknown.status()).toBe(400);
});
