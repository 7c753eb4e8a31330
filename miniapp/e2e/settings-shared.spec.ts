// Settings (issue 16): the language is shared with the bot — chosen here, stored on the server, and the app opens in it
// on a fresh device before the Telegram profile's language — and "send a test alert" goes through the server. The e2e
// server runs no bot (no BOT_TOKEN), so the honest answer here is "alerts are off on this server", in the language shown;
// delivery itself is tested against the strict fake Bot API (server/test/api/test-alert.test.ts).
import { expect, test } from '@playwright/test';
import { expectAccessible, rawTextProblems } from './a11y.ts';
import { saveScreenshot } from './screenshots.ts';
import { apiAs, openApp, type TestUser } from './world.ts';

const viewports = { small: { width: 360, height: 640 }, large: { width: 390, height: 844 } } as const;

test('the language chosen in Settings is the server’s, and a fresh device opens in it', async ({ browser }, testInfo) => {
  const user: TestUser = { id: 502_101, firstName: 'Лада', lang: 'ru' };
  const api = await apiAs(user);
  expect((await api.me.get.query()).chosenLanguage).toBeNull();

  const first = await browser.newPage({ viewport: viewports.small });
  await openApp(first, user, '/settings');
  await expect(first.getByRole('heading', { level: 1 })).toHaveText('Настройки');
  await expect(first.getByText('Общий с ботом: его сообщения и уведомления тоже придут на этом языке.')).toBeVisible();
  // No bot on this server: the test alert says so in Russian, nothing raw.
  await first.getByTestId('settings-test-alert').click();
  await expect(first.getByTestId('test-alert-error')).toHaveText('Оповещения на этом сервере выключены: бот SlotPilot не запущен.');
  await expectAccessible(first, 'settings (ru, light, 360×640)');
  expect(await rawTextProblems(first)).toEqual([]);
  await saveScreenshot(first, testInfo, 'settings-ru-light');

  await first.getByTestId('segmented-language').getByText('English').click();
  await expect(first.getByRole('heading', { level: 1 })).toHaveText('Settings');
  await expect.poll(async () => (await api.me.get.query()).chosenLanguage).toBe('en');
  await first.close();

  // Another device (nothing remembered locally), Telegram profile still Russian: the server's choice wins.
  const context = await browser.newContext({ viewport: viewports.large });
  const second = await context.newPage();
  await openApp(second, user, '/settings', 'dark');
  await expect(second.getByRole('heading', { level: 1 })).toHaveText('Settings');
  await expect(second.locator('html')).toHaveAttribute('lang', 'en');
  await second.getByTestId('settings-test-alert').click();
  await expect(second.getByTestId('test-alert-error')).toHaveText('Alerts are off on this server: the SlotPilot bot is not running.');
  await expectAccessible(second, 'settings (en, dark, 390×844)');
  await saveScreenshot(second, testInfo, 'settings-en-dark');

  // Back to Russian from the app: the server follows again.
  await second.getByTestId('segmented-language').getByText('Русский').click();
  await expect(second.getByRole('heading', { level: 1 })).toHaveText('Настройки');
  await expect.poll(async () => (await api.me.get.query()).chosenLanguage).toBe('ru');
  await context.close();
});
