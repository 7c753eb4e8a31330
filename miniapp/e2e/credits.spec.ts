// Buying credits with Telegram Stars. The server makes the invoice link through the bot (absent in this test server, so
// it says payments are unavailable, in the user's language); the Stars sheet itself is Telegram's, so the last test
// answers `billing.createInvoice` with a t.me invoice link and pays in the stand-in sheet.

import { expect, test } from '@playwright/test';
import { ERROR_MESSAGES } from '@slotpilot/shared';
import { mainButton, openApp } from './world.ts';

const user = { id: 500_601, firstName: 'Зоя' };

test('packs are listed with prices in Stars; without the bot the purchase says what is wrong', async ({ page }) => {
  await openApp(page, user, '/credits');
  await expect(page.getByTestId('packs').locator('label')).toHaveCount(3);
  await expect(page.getByTestId('packs')).toContainText('5 автобронирований');
  await expect(mainButton(page)).toHaveText('Купить за 250 ⭐');
  await page.getByTestId('packs').getByText('10 автобронирований').click();
  await expect(mainButton(page)).toHaveText('Купить за 450 ⭐');
  await mainButton(page).click();
  await expect(page.getByTestId('error')).toHaveAttribute('data-code', 'PAYMENTS_UNAVAILABLE');
  await expect(page.getByTestId('error')).toContainText(ERROR_MESSAGES.PAYMENTS_UNAVAILABLE.ru);
});

test('the invoice opens in Telegram’s sheet (stand-in) and a paid invoice is confirmed', async ({ page }) => {
  await page.route('**/trpc/billing.createInvoice**', (route) =>
    route.fulfill({
      contentType: 'application/json',
      body: JSON.stringify([{ result: { data: { invoiceLink: 'https://t.me/$e2eInvoice' } } }]),
    }),
  );
  await openApp(page, user, '/credits');
  await expect(mainButton(page)).toHaveText('Купить за 250 ⭐');
  await mainButton(page).click();
  await expect(page.getByTestId('tg-invoice')).toHaveAttribute('data-slug', 'e2eInvoice');
  await page.getByTestId('tg-invoice').getByRole('button', { name: 'Оплатить' }).click();
  await expect(page.getByTestId('payment-outcome')).toContainText('Оплачено!');
  await expect(page.evaluate(() => window.__slotpilotHaptics ?? [])).resolves.toContain('success');
});
