import { expect, test } from '@playwright/test';
import { balance, deposit, form, historyEntries, openAccount } from './helpers';

test('each submit of a form counts once, a double submit counts once, and history pages by ten', async ({ page }) => {
  const number = await openAccount(page, 'Many Deposits', '0');

  // Repeated, separate submissions of the same form are separate commands.
  for (let i = 1; i <= 9; i++) {
    await deposit(page, '1');
    await expect(balance(page)).toHaveText(`$${i}.00`);
  }

  // The same submission sent twice (same command id) appends one event.
  const depositForm = form(page, 'Deposit');
  await depositForm.getByLabel('Amount').fill('100');
  // The form sends only one of the two; the second is posted by hand, as a retry would be.
  const posted = page.waitForRequest((request) => request.method() === 'POST' && Boolean(request.headers()['next-action']));
  await depositForm.evaluate((element) => {
    const formElement = element as HTMLFormElement;
    formElement.requestSubmit();
    formElement.requestSubmit();
  });
  const post = await posted;
  await expect(balance(page)).toHaveText('$109.00');
  const sent = await post.allHeaders();
  const headers = Object.fromEntries(
    ['content-type', 'next-action', 'next-router-state-tree', 'origin', 'accept'].flatMap((name) =>
      sent[name] ? [[name, sent[name]]] : [],
    ),
  );
  const again = await page.request.post(post.url(), { headers, data: post.postDataBuffer()!, maxRedirects: 0 });
  expect(again.status()).toBeLessThan(400);
  // Next answers an action that redirects with where it sent the browser: the same command, already done.
  expect(again.headers()['x-action-redirect']).toMatch(/[?&]again=1(&|;|$)/);
  await page.reload();
  await expect(balance(page)).toHaveText('$109.00');
  await expect(historyEntries(page)).toHaveCount(10);
  await expect(page.getByText('11 events, newest first')).toBeVisible();

  // Newest first; the eleventh (oldest) event is on page 2.
  await expect(historyEntries(page).first()).toContainText('+$100.00');
  await expect(page.getByText('Page 1 of 2')).toBeVisible();
  await page.getByRole('link', { name: 'Older →' }).click();
  await expect(page).toHaveURL(new RegExp(`/accounts/${number}\\?page=2&nonce=[0-9a-f-]+$`));
  await expect(historyEntries(page)).toHaveCount(1);
  await expect(historyEntries(page).first()).toContainText('Account opened');
  await page.getByRole('link', { name: '← Newer' }).click();
  await expect(historyEntries(page)).toHaveCount(10);
});
