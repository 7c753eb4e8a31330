// Keys: WB checks every key as it is added; the seller sees whose account it is, or exactly what is wrong, in their language.

import { expect, test } from '@playwright/test';
import { ERROR_MESSAGES } from '@slotpilot/shared';
import { saveScreenshot } from './screenshots.ts';
import { mainButton, openApp, sandbox } from './world.ts';

test('an invalid key shows its specific message, in the seller’s language', async ({ page }) => {
  const ru = { id: 500_201, firstName: 'Ключ' };
  await openApp(page, ru, '/keys');
  await page.getByTestId('segmented-kind').getByText('API-токен').click();
  await page.getByTestId('key-secret').fill('not-a-token');
  // Instant feedback before WB is asked…
  await expect(page.getByTestId('key-local-hint')).toContainText('трёх частей');
  await mainButton(page).click();
  // …and the server's own verdict.
  await expect(page.getByTestId('key-error')).toHaveAttribute('data-code', 'KEY_NOT_A_TOKEN');
  await expect(page.getByTestId('key-error')).toContainText(ERROR_MESSAGES.KEY_NOT_A_TOKEN.ru);

  const expired = await sandbox.createSeller('ИП Просрочка', { tokenExpiresInS: -3_600 });
  await page.getByTestId('key-secret').fill(expired.apiToken);
  await expect(page.getByTestId('key-local-hint')).toContainText('истёк');
  await mainButton(page).click();
  await expect(page.getByTestId('key-error')).toHaveAttribute('data-code', 'KEY_EXPIRED');
  await expect(page.getByTestId('key-error')).toContainText('Срок действия токена истёк');
  await expect(page.getByTestId('key-row')).toHaveCount(0);

  const en = { id: 500_202, firstName: 'Key', lang: 'en' as const };
  await openApp(page, en, '/keys');
  await page.getByTestId('segmented-kind').getByText('API token').click();
  await page.getByTestId('segmented-kind').getByText('Portal session').click();
  // A portal session is read locally first: what is missing is said at once, and nothing is sent.
  await page.getByTestId('key-secret').fill('sessionid=whatever');
  await expect(page.getByTestId('key-local-hint')).toHaveAttribute('data-code', 'KEY_SESSION_NO_TOKEN');
  await mainButton(page).click();
  await expect(page.getByTestId('key-form-problem')).toHaveAttribute('data-code', 'KEY_SESSION_NO_TOKEN');
  await expect(page.getByTestId('key-form-problem')).toContainText(ERROR_MESSAGES.KEY_SESSION_NO_TOKEN.en);
  await expect(page.getByTestId('key-error')).toHaveCount(0);
});

test('a valid token is named by its seller, listed masked, and removable', async ({ page }, testInfo) => {
  const user = { id: 500_203, firstName: 'Токен' };
  const seller = await sandbox.createSeller('ООО Ромашка');
  await openApp(page, user, '/keys');
  await page.getByTestId('segmented-kind').getByText('API-токен').click();
  await page.getByTestId('key-name').fill('Основной');
  await page.getByTestId('key-secret').fill(seller.apiToken);
  await expect(page.getByTestId('key-local-hint')).toContainText('Токен действует до');
  // Sharing with the common feed is the seller's choice, off until they tick it.
  await expect(page.getByTestId('key-share-feed')).not.toBeChecked();
  await page.getByTestId('key-share-feed').check();
  await mainButton(page).click();
  await expect(page.getByTestId('key-result')).toHaveText('Ключ работает: ООО Ромашка. Добавлен.');
  const row = page.getByTestId('key-row');
  await expect(row).toContainText('Основной');
  await expect(row).toContainText('в общей ленте');
  await expect(page.getByTestId('key-secret')).toHaveValue('');
  // Masked: the page never holds the secret again.
  expect(await page.content()).not.toContain(seller.apiToken);
  await saveScreenshot(page, testInfo, 'keys-light');
  await openApp(page, user, '/keys', 'dark');
  await expect(row).toHaveCount(1);
  await saveScreenshot(page, testInfo, 'keys-dark');

  await row.getByRole('button', { name: 'Удалить' }).click();
  await page.getByTestId('tg-popup').getByRole('button', { name: 'Да, удалить' }).click();
  await expect(page.getByTestId('key-row')).toHaveCount(0);
});
