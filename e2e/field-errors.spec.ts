import { expect, test } from '@playwright/test';
import { balance, form, openAccount, pay } from './helpers';
import { newestAppendedPosition, storeClient } from './store';

// A limit is shown before it bites, a value over it is answered with a field error (never cut
// silently), and each field says one thing at a time.

for (const javaScriptEnabled of [false, true]) {
  test.describe(javaScriptEnabled ? 'with JavaScript' : 'without JavaScript', () => {
    test.use({ javaScriptEnabled });

    test('a holder name over 100 characters is kept as typed and refused with a field error', async ({ page }) => {
      const client = storeClient();
      try {
        await page.goto('/accounts/new');
        const name = page.getByLabel('Holder name', { exact: true });
        await expect(name).toHaveAccessibleDescription('Up to 100 characters.');
        const tooLong = `${'Long'.repeat(37)}x`; // 149 characters
        await name.fill(tooLong);
        // Nothing cut it while typing.
        await expect(name).toHaveValue(tooLong);
        const before = await newestAppendedPosition(client);
        await page.getByRole('button', { name: 'Open account' }).click();
        await expect(name).toHaveAttribute('aria-invalid', 'true');
        await expect(name).toHaveAccessibleDescription(
          'Up to 100 characters. Holder name must be at most 100 characters (this one has 149)',
        );
        await expect(name).toHaveValue(tooLong);
        await expect(page).toHaveURL(/\/accounts\/new\?nonce=/);
        expect(await newestAppendedPosition(client)).toBe(before);

        // The same limit on the rename form and the reference.
        await openAccount(page, 'Limit Tester', '5');
        const rename = form(page, 'Change holder name');
        await expect(rename.getByLabel('New holder name')).toHaveAccessibleDescription('Up to 100 characters.');
        await rename.getByLabel('New holder name').fill('N'.repeat(101));
        await rename.getByRole('button', { name: 'Change name' }).click();
        await expect(rename.getByLabel('New holder name')).toHaveAccessibleDescription(/at most 100 characters \(this one has 101\)$/);
        await expect(rename.getByLabel('New holder name')).toHaveValue('N'.repeat(101));
        await expect(form(page, 'Payment').getByLabel('Reference (optional)')).toHaveAccessibleDescription('Up to 140 characters.');
        await expect(page.getByTestId('holder-name')).toHaveText('Limit Tester');
      } finally {
        await client.dispose();
      }
    });

    test('an empty payee gets one message, a short one another, a mistyped one a third', async ({ page }) => {
      await openAccount(page, 'Payee Checker', '5');
      const payee = form(page, 'Payment').getByLabel('Payee account number');
      const cases: Array<[string, string]> = [
        ['', 'Enter an account number'],
        ['12345', 'Account number must be 10 digits'],
        ['1000000000', 'Account number is not valid (check digit mismatch): check it for a typo'],
      ];
      for (const [value, message] of cases) {
        await pay(page, value, '1');
        await expect(payee).toHaveAttribute('aria-invalid', 'true');
        // The hint, then exactly one error.
        await expect(payee).toHaveAccessibleDescription(`10 digits. ${message}`);
      }
      await expect(balance(page)).toHaveText('$5.00');
    });
  });
}
