import { randomUUID } from 'node:crypto';
import { jsonEvent } from '@eventstore/db-client';
import { expect, test, type Page } from '@playwright/test';
import { balance, deposit, openAccount, pay } from './helpers';
import { storeClient } from './store';

// The event history viewer: the filtered log, an event's detail, a payment's two sides, any
// stream's raw events, and what bad addresses get. Each test makes its own uniquely named data,
// so the filters find exactly it on the shared stack.

const tag = () => randomUUID().slice(0, 8);
const rows = (page: Page) => page.getByTestId('event-log-entry');
const filterForm = (page: Page) => page.getByRole('search', { name: 'Filter events' });

/** Two accounts and a payment between them (A pays B $12.34), then a deposit on B. */
async function paymentScenario(page: Page) {
  const t = tag();
  const payer = await openAccount(page, `Payer Filterton ${t}`, '100');
  const payee = await openAccount(page, `Payee Filterton ${t}`, '10');
  await page.goto(`/accounts/${payer}`);
  await pay(page, payee, '12.34', `Ref ${t}`);
  await expect(balance(page)).toHaveText('$87.66');
  await page.goto(`/accounts/${payee}`);
  await deposit(page, '5');
  await expect(balance(page)).toHaveText('$27.34');
  return { t, payer, payee };
}

test('a filtered event log lives in its URL: it reloads to the same events and the back button restores the filter before', async ({
  page,
}) => {
  const { t, payer, payee } = await paymentScenario(page);

  await page.goto('/events');
  await filterForm(page).getByLabel('Account (owner or payee)').fill(payer);
  await filterForm(page).getByLabel('PaymentMade').check();
  await filterForm(page).getByRole('button', { name: 'Apply filters' }).click();
  // Blank fields are dropped: the address is the clean, shareable one.
  await expect(page).toHaveURL(new RegExp(`/events\\?type=PaymentMade&account=${payer}$`));
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toContainText(`Paid $12.34 from ${payer} to ${payee} “Ref ${t}”`);
  const paymentId = await rows(page).first().getAttribute('data-event-id');

  await page.reload();
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toHaveAttribute('data-event-id', paymentId!);
  await expect(filterForm(page).getByLabel('PaymentMade')).toBeChecked();
  await expect(filterForm(page).getByLabel('Account (owner or payee)')).toHaveValue(payer);

  // Another filter: the payee's side, openings only.
  await filterForm(page).getByLabel('Account (owner or payee)').fill(payee);
  await filterForm(page).getByLabel('PaymentMade').uncheck();
  await filterForm(page).getByLabel('AccountOpened').check();
  await filterForm(page).getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL(new RegExp(`/events\\?type=AccountOpened&account=${payee}$`));
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toContainText(`Opened for Payee Filterton ${t} with $10.00`);

  await page.goBack();
  await expect(page).toHaveURL(new RegExp(`/events\\?type=PaymentMade&account=${payer}$`));
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toHaveAttribute('data-event-id', paymentId!);
  await expect(filterForm(page).getByLabel('PaymentMade')).toBeChecked();

  // Active filters are shown, each removable; an account counts as owner or payee.
  const active = page.getByRole('list', { name: 'Active filters' });
  await expect(active.getByTestId('active-filter')).toHaveText([/Type: PaymentMade/, new RegExp(`Account: ${payer}`)]);
  await page.goto(`/events?account=${payee}`);
  await expect(rows(page)).toHaveCount(3); // its opening, the payment it received, its deposit
  await expect(rows(page).nth(1)).toHaveAttribute('data-event-id', paymentId!);
  await page.goto(`/events?type=PaymentMade&type=MoneyDeposited&account=${payee}`);
  await page.getByRole('link', { name: 'Remove the filter Type: PaymentMade' }).click();
  await expect(page).toHaveURL(new RegExp(`/events\\?type=MoneyDeposited&account=${payee}$`));
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toContainText('Deposited $5.00');

  // Text (holder names and references, any case), amounts and dates combine.
  await page.goto(`/events?q=${t.toUpperCase()}`);
  await expect(rows(page)).toHaveCount(3);
  await page.goto(`/events?q=${t}&min=12.34&max=12.34`);
  await expect(rows(page)).toHaveCount(1);
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  await page.goto(`/events?q=${t}&from=${day(-1)}&to=${day(1)}`);
  await expect(rows(page)).toHaveCount(3);
  await page.goto(`/events?q=${t}&to=2000-01-01`);
  await expect(page.getByTestId('no-events')).toContainText('No events match these filters.');
  await page.goto(`/events?q=${t}&type=HolderNameChanged`);
  await expect(page.getByTestId('no-events')).toContainText('No events match these filters.');
});

test('the filter form works without JavaScript', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  try {
    await page.goto('/events');
    await filterForm(page).getByLabel('AccountOpened').check();
    await filterForm(page).getByLabel('Holder name or reference').fill('Filterton');
    await filterForm(page).getByRole('button', { name: 'Apply filters' }).click();
    await expect(page).toHaveURL(/\/events\?type=AccountOpened&q=Filterton$/);
    await expect(rows(page).first()).toContainText('Filterton');
    expect(await rows(page).evaluateAll((els) => els.every((el) => el.getAttribute('data-type') === 'AccountOpened'))).toBe(true);
  } finally {
    await context.close();
  }
});

test('filtered pages go older and newer and keep their filters', async ({ page }) => {
  const t = tag();
  const number = await openAccount(page, `Pager ${t}`, '0');
  for (let i = 1; i <= 3; i++) {
    await deposit(page, String(i));
    await expect(balance(page)).toHaveText(`$${(i * (i + 1)) / 2}.00`);
  }
  // 4 events; the log shows 20 a page, so page through the account with a narrower filter.
  await page.goto(`/events?account=${number}&type=MoneyDeposited`);
  await expect(rows(page)).toHaveCount(3);
  const positions = await rows(page).evaluateAll((els) => els.map((el) => el.getAttribute('data-position')!));
  await page.goto(`/events?account=${number}&type=MoneyDeposited&before=${positions[0]}`);
  await expect(rows(page)).toHaveCount(2);
  await page.getByRole('navigation', { name: 'Event log pages', exact: true }).getByRole('link', { name: '← Newer' }).click();
  await expect(page).toHaveURL(new RegExp(`/events\\?type=MoneyDeposited&account=${number}&after=${positions[1]}$`));
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toHaveAttribute('data-position', positions[0]);
  await page.getByRole('navigation', { name: 'Event log pages', exact: true }).getByRole('link', { name: 'Older →' }).click();
  await expect(page).toHaveURL(new RegExp(`before=${positions[0]}$`));
  await expect(rows(page)).toHaveCount(2);
});

test('an event shows where it is stored and links every id to the events that share it', async ({ page }) => {
  const { t, payer, payee } = await paymentScenario(page);
  await page.goto(`/events?type=PaymentMade&account=${payer}`);
  const row = rows(page).first();
  const id = (await row.getAttribute('data-event-id'))!;
  const position = (await row.getAttribute('data-position'))!;
  await row.getByRole('link', { name: 'PaymentMade' }).click();
  await expect(page).toHaveURL(new RegExp(`/events/${id}$`));

  await expect(page.getByRole('heading', { name: 'PaymentMade' })).toBeVisible();
  const facts = page.getByTestId('event-facts');
  await expect(facts).toContainText(id);
  await expect(facts.getByRole('link', { name: `account-${payer}` })).toBeVisible();
  await expect(page.getByTestId('commit-position')).toHaveText(position);
  await expect(page.getByTestId('prepare-position')).toHaveText(/^\d+$/);
  await expect(page.getByTestId('raw-data')).toContainText(`"reference": "Ref ${t}"`);
  await expect(page.getByTestId('raw-metadata')).toContainText('"commandId"');

  // A form's command starts its own conversation: command, correlation and causation are one id.
  const commandLink = page.getByTestId('command-link');
  const commandId = (await commandLink.textContent())!;
  await expect(page.getByTestId('correlation-link')).toHaveText(commandId);
  await expect(page.getByTestId('causation-link')).toHaveText(commandId);
  await commandLink.click();
  await expect(page).toHaveURL(new RegExp(`/events\\?command=${commandId}$`));
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toHaveAttribute('data-event-id', id);
  await page.goBack();
  await page.getByTestId('correlation-link').click();
  await expect(page).toHaveURL(new RegExp(`/events\\?correlation=${commandId}$`));
  await expect(rows(page)).toHaveCount(1);
  await page.goBack();

  // The command's idempotency record is a stream of its own.
  await page.getByRole('link', { name: `command-${commandId}` }).click();
  await expect(page).toHaveURL(new RegExp(`/streams/command-${commandId}$`));
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toHaveAttribute('data-type', 'CommandAccepted');
  await page.goBack();

  // Both accounts, the payment and the payer's state right after it.
  await expect(page.getByRole('link', { name: `Payee ${payee}`, exact: true })).toHaveAttribute('href', `/accounts/${payee}`);
  await expect(page.getByRole('link', { name: `Payee ${payee} right after this event` })).toHaveAttribute('href', /\/at\?position=\d+$/);
  await page.getByRole('link', { name: `Account ${payer} right after this event` }).click();
  await expect(page).toHaveURL(new RegExp(`/accounts/${payer}/at/1$`));
  await expect(page.getByTestId('past-balance')).toHaveText('$87.66');
});

test('a payment shows both sides with their balances before and after, from either account', async ({ page }) => {
  const { t, payer, payee } = await paymentScenario(page);
  // From the payee's timeline (the received side).
  await page.goto(`/accounts/${payee}`);
  const received = page.getByTestId('history-entry').and(page.locator('[data-kind="PaymentReceived"]'));
  await received.getByRole('link', { name: 'Payment', exact: true }).click();
  await expect(page).toHaveURL(/\/payments\/[0-9a-f-]{36}$/);
  const url = page.url();

  await expect(page.getByTestId('payment-amount')).toHaveText('$12.34');
  await expect(page.getByTestId('payment-reference')).toHaveText(`“Ref ${t}”`);
  const payerSide = page.getByTestId('payer-side');
  const payeeSide = page.getByTestId('payee-side');
  await expect(payerSide.getByRole('link', { name: payer })).toBeVisible();
  await expect(payerSide).toContainText(`Payer Filterton ${t}`);
  await expect(payerSide.getByTestId('balance-before')).toHaveText('$100.00');
  await expect(payerSide.getByTestId('balance-change')).toHaveText('-$12.34');
  await expect(payerSide.getByTestId('balance-after')).toHaveText('$87.66');
  await expect(payeeSide.getByRole('link', { name: payee })).toBeVisible();
  await expect(payeeSide.getByTestId('balance-before')).toHaveText('$10.00');
  await expect(payeeSide.getByTestId('balance-change')).toHaveText('+$12.34');
  await expect(payeeSide.getByTestId('balance-after')).toHaveText('$22.34');
  await expect(page.getByTestId('raw-data')).toContainText(`"payeeAccountNumber": "${payee}"`);

  // The payer's timeline leads to the same page.
  await page.goto(`/accounts/${payer}`);
  const sent = page.getByTestId('history-entry').and(page.locator('[data-kind="PaymentMade"]'));
  await sent.getByRole('link', { name: 'Payment', exact: true }).click();
  await expect(page).toHaveURL(url);
  // And the timeline's entry itself leads to the event's detail.
  await page.goto(`/accounts/${payer}`);
  await sent.getByRole('link', { name: 'Payment sent' }).click();
  await expect(page).toHaveURL(url.replace('/payments/', '/events/'));
});

test('a stream view pages both ways by revision and shows the stream metadata', async ({ page }) => {
  const stream = `e2e-orders-${tag()}`;
  const client = storeClient();
  try {
    for (let i = 0; i < 45; i++) await client.appendToStream(stream, jsonEvent({ type: 'OrderPlaced', data: { order: i } }));
    await client.setStreamMetadata(stream, { maxCount: 1000 });
  } finally {
    await client.dispose();
  }
  await page.goto(`/streams/${stream}`);
  await expect(page.getByRole('heading', { name: stream })).toBeVisible();
  await expect(page.getByTestId('stream-metadata')).toContainText('"maxCount": 1000');
  const revisions = () => rows(page).evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-revision'))));
  const range = (from: number, to: number) => Array.from({ length: from - to + 1 }, (_, i) => from - i);
  expect(await revisions()).toEqual(range(44, 25));
  const pager = page.getByRole('navigation', { name: 'Stream pages', exact: true });
  await pager.getByRole('link', { name: 'Older →' }).click();
  await expect(page).toHaveURL(new RegExp(`/streams/${stream}\\?before=25$`));
  await expect(rows(page).first()).toHaveAttribute('data-revision', '24');
  expect(await revisions()).toEqual(range(24, 5));
  await pager.getByRole('link', { name: 'Older →' }).click();
  await expect(page).toHaveURL(new RegExp(`/streams/${stream}\\?before=5$`));
  expect(await revisions()).toEqual(range(4, 0));
  await expect(pager.getByRole('link', { name: 'Older →' })).toHaveCount(0);
  await pager.getByRole('link', { name: '← Newer' }).click();
  await expect(page).toHaveURL(new RegExp(`/streams/${stream}\\?after=4$`));
  expect(await revisions()).toEqual(range(24, 5));
  await pager.getByRole('link', { name: '← Newer' }).click();
  await expect(page).toHaveURL(new RegExp(`/streams/${stream}\\?after=24$`));
  expect(await revisions()).toEqual(range(44, 25));
  await expect(pager.getByRole('link', { name: '← Newer' })).toHaveCount(0);

  // Account streams link back to their account.
  const number = await openAccount(page, `Streamed ${tag()}`, '1');
  await page.goto(`/streams/account-${number}`);
  await expect(rows(page)).toHaveCount(1);
  await page
    .getByRole('link', { name: `Account ${number}` })
    .first()
    .click();
  // proxy.ts gives an account page a nonce for its forms' command ids.
  await expect(page).toHaveURL(new RegExp(`/accounts/${number}\\?nonce=[0-9a-f-]+$`));
});

test('bad addresses get a clear message and a 4xx, never a 500', async ({ page }) => {
  const { payer } = await paymentScenario(page);
  // A real event id that is not a payment, for the payment view below.
  await page.goto(`/events?type=AccountOpened&account=${payer}`);
  const openingId = (await rows(page).first().getAttribute('data-event-id'))!;

  const cases: Array<[string, RegExp | null]> = [
    ['/events?min=ten', /“min”: Amount must be a number/],
    ['/events?account=123', /“account”: Account number must be 10 digits/],
    ['/events?from=2026-02-30', /“from” is not a date that exists/],
    ['/events?min=20&max=10', /larger than the largest/],
    ['/events?q=ab', /at least 3 characters/],
    ['/events?type=Not%20a%20type', /event type name/],
    ['/events?before=-1', /“before” must be a commit position/],
    ['/events?before=1&after=2', /not both/],
    ['/events/not-an-id', /is not an event id/],
    [`/events/${randomUUID()}`, null],
    [`/payments/${openingId}`, /is AccountOpened, not a payment/],
    ['/payments/12345', /is not an event id/],
    [`/payments/${randomUUID()}`, null],
    ['/streams/%24all', /\$all is not a stream/],
    [`/streams/no-such-stream-${tag()}`, null],
    [`/streams/account-${payer}?before=abc`, /“before” must be a stream revision/],
    ['/?page=0', /“page” must be a whole number from 1/],
    ['/?page=99999', /pages of accounts; page 99999 does not exist/],
  ];
  for (const [address, message] of cases) {
    const response = await page.goto(address);
    expect(response?.status(), address).toBe(404);
    if (message) await expect(page.getByRole('alert').filter({ hasText: message }), address).toBeVisible();
    else await expect(page.getByRole('heading', { name: 'Not found' }), address).toBeVisible();
  }
});

test('every event view fits a 390 px wide screen without scrolling sideways', async ({ page }) => {
  const { payer } = await paymentScenario(page);
  // Long values everywhere they can appear: a long holder name and reference, a long stream name.
  const long = 'Maximiliana-Wolfeschlegelsteinhausenbergerdorff'.repeat(2);
  const other = await openAccount(page, long.slice(0, 100), '50');
  await pay(page, payer, '1', long.slice(0, 140));
  await expect(balance(page)).toHaveText('$49.00');
  const stream = `e2e-${'very-long-stream-name-'.repeat(12)}${tag()}`;
  const client = storeClient();
  try {
    await client.appendToStream(
      stream,
      jsonEvent({ type: 'SomethingWithAVeryLongTypeNameThatGoesOnAndOn', data: { note: long.repeat(3) } }),
    );
  } finally {
    await client.dispose();
  }
  await page.goto(`/events?type=PaymentMade&account=${other}`);
  const paymentId = (await rows(page).first().getAttribute('data-event-id'))!;

  await page.setViewportSize({ width: 390, height: 844 });
  const addresses = [
    '/',
    `/accounts/${other}`,
    '/events',
    `/events?type=PaymentMade&type=AccountOpened&account=${other}&min=1&max=1000&q=Maximiliana&from=2000-01-01&to=2999-12-31T23:59`,
    `/events/${paymentId}`,
    `/payments/${paymentId}`,
    `/streams/account-${other}`,
    `/streams/${stream}`,
    '/events?q=zz-no-such-text',
    '/events/not-an-id',
  ];
  for (const address of addresses) {
    await page.goto(address);
    // Open every collapsed raw event too: its JSON must scroll inside its box.
    for (const summary of await page.locator('summary').all()) await summary.click();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, address).toBe(0);
  }
});
