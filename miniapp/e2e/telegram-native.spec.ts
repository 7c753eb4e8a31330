// Telegram conventions (issue 16): theme colours for Telegram's own chrome, BackButton only off the root tabs, the
// MainButton owned by the visible screen, destructive actions in Telegram's popup, the SettingsButton's settings (language,
// alerts, shared feed), zoom allowed; and what a seller sees offline: a lazy screen that failed to load retried, cached
// data kept with the offline line, a lost live stream said out loud.
import { expect, test } from '@playwright/test';
import { expectAccessible, rawTextProblems } from './a11y.ts';
import { backButton, mainButton, openApp } from './world.ts';

const user = { id: 500_601, firstName: 'Тая' };

for (const theme of ['light', 'dark'] as const) {
  test(`paints Telegram's header, background and bottom bar from the theme (${theme})`, async ({ page }) => {
    await openApp(page, user, '/', theme);
    await expect(page.getByTestId('greeting')).toBeVisible();
    const colors = await page.evaluate(() => window.__slotpilotChrome?.().colors);
    // The page's own background is the theme's secondary background; Telegram's chrome gets the same, so no seam.
    const bg = theme === 'dark' ? '#0e1621' : '#f1f1f4';
    expect(colors?.header).toMatch(/secondary_bg_color|#0e1621|#f1f1f4/);
    expect(colors?.background?.toLowerCase()).toBe(bg);
    // The bottom bar keeps Telegram's default, the theme's bottom_bar_bg_color — the tab bar's own colour — so the SDK
    // sends nothing for it (it skips a colour equal to the current one).
    expect([null, theme === 'dark' ? '#17212b' : '#ffffff']).toContain(colors?.bottomBar?.toLowerCase() ?? null);
    // Native controls follow Telegram's theme, not the system's.
    expect(await page.evaluate(() => document.documentElement.style.colorScheme)).toBe(theme);
  });
}

test('zoom is not blocked', async ({ page }) => {
  await openApp(page, user, '/');
  const viewport = await page.locator('meta[name="viewport"]').getAttribute('content');
  expect(viewport).not.toMatch(/user-scalable\s*=\s*no|maximum-scale\s*=\s*1(\D|$)/);
});

test('BackButton only off the root tabs; the MainButton belongs to the visible screen', async ({ page }) => {
  await openApp(page, user, '/');
  await expect(mainButton(page)).toHaveText('Новая задача');
  await expect(backButton(page)).toHaveCount(0);
  for (const tab of ['history', 'credits', 'keys']) {
    await page.getByTestId(`tab-${tab}`).click();
    await expect(page.locator(`main[data-route="${tab}"]`)).toBeVisible();
    await expect(backButton(page)).toHaveCount(0);
  }
  // History has no primary action: the list's "New task" must not linger there.
  await page.getByTestId('tab-history').click();
  await expect(mainButton(page)).toHaveCount(0);
  await page.getByTestId('tab-tasks').click();
  await expect(mainButton(page)).toHaveText('Новая задача');
  await mainButton(page).click();
  await expect(page.locator('main[data-route="new-task"]')).toBeVisible();
  await expect(backButton(page)).toBeVisible();
  await expect(mainButton(page)).toHaveText('Создать задачу');
  await backButton(page).click();
  await expect(page.locator('main[data-route="tasks"]')).toBeVisible();
  await expect(mainButton(page)).toHaveText('Новая задача');
});

test('SettingsButton opens settings: language kept on the device, alerts allowed, the shared feed explained', async ({ page }) => {
  await openApp(page, user, '/');
  await page.getByTestId('tg-settings-button').click();
  await expect(page.locator('main[data-route="settings"]')).toBeVisible();
  await expect(backButton(page)).toBeVisible();
  await expect(mainButton(page)).toHaveCount(0);
  await expect(page.getByText('Разрешить SlotPilot использовать этот ключ для общей ленты')).toBeVisible();
  await expect(page.getByTestId('settings-feed-count')).toContainText('только ваши задачи');

  await expect(page.getByTestId('settings-alerts')).toHaveAttribute('data-access', 'unknown');
  await page.getByTestId('settings-allow-alerts').click();
  await expect(page.getByTestId('settings-alerts')).toHaveAttribute('data-access', 'allowed');
  await expect(page.getByTestId('settings-alerts')).toContainText('уведомления о слотах дойдут');

  await page.getByTestId('segmented-language').getByText('English').click();
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
  await backButton(page).click();
  await expect(page.getByTestId('greeting')).toHaveText('Hello, Тая!');
  await page.getByTestId('tg-settings-button').click();
  await page.getByTestId('segmented-language').getByText('Русский').click();
  await expect(page.getByRole('heading', { name: 'Настройки' })).toBeVisible();
});

test('a screen whose code failed to load offers Retry, and Retry loads it', async ({ page }) => {
  await openApp(page, user, '/');
  await expect(page.getByTestId('greeting')).toBeVisible();
  let blocked = 0;
  await page.route(/\/assets\/history-screen-[\w-]+\.js$/, (route) => {
    blocked++;
    return route.abort('internetdisconnected');
  });
  await page.getByTestId('tab-history').click();
  await expect(page.getByTestId('screen-error')).toContainText('Экран не загрузился');
  // The rest of the app still works: the tabs are there.
  await expect(page.getByTestId('tab-tasks')).toBeVisible();
  expect(blocked).toBeGreaterThan(0);
  await page.unroute(/\/assets\/history-screen-[\w-]+\.js$/);
  await page.getByTestId('screen-retry').click();
  await expect(page.getByRole('heading', { name: 'История' })).toBeVisible();
  await expect(page.getByTestId('screen-error')).toHaveCount(0);
});

test('offline: the cached list stays with "нет связи · данные на …", the lost stream is said, both recover', async ({ page, context }) => {
  await openApp(page, user, '/');
  await expect(page.getByTestId('greeting')).toBeVisible();
  await expect(page.getByTestId('tasks-empty').or(page.getByTestId('task-list'))).toBeVisible();
  await context.setOffline(true);
  await expect(page.getByTestId('offline-banner')).toContainText(/Нет связи · данные на \d\d:\d\d(:\d\d)? МСК/);
  await expect(page.getByTestId('tasks-empty').or(page.getByTestId('task-list'))).toBeVisible();
  await expect(page.getByTestId('stream-lost')).toBeVisible({ timeout: 20_000 });
  await context.setOffline(false);
  await expect(page.getByTestId('offline-banner')).toHaveCount(0);
  await expect(page.getByTestId('stream-lost')).toHaveCount(0, { timeout: 20_000 });
});

test('the live stream cannot reach the server: said at the top, badges stop pulsing; back when it connects', async ({ page }) => {
  // The SSE request fails as it would with the server gone; the tRPC link keeps retrying.
  const stream = /\/trpc\/tasks\.onChange/;
  await page.route(stream, (route) => route.abort('connectionrefused'));
  await openApp(page, user, '/');
  await expect(page.getByTestId('stream-lost')).toContainText('живые обновления прервались');
  await expect(page.locator('html')).toHaveClass(/stream-lost/);
  await page.unroute(stream);
  await expect(page.getByTestId('stream-lost')).toHaveCount(0, { timeout: 20_000 });
  await expect(page.locator('html')).not.toHaveClass(/stream-lost/);
});

for (const theme of ['light', 'dark'] as const) {
  for (const size of [
    { width: 360, height: 640 },
    { width: 390, height: 844 },
  ]) {
    test(`settings and the empty home read well and tap well (${theme}, ${size.width}×${size.height})`, async ({ page }) => {
      await page.setViewportSize(size);
      await openApp(page, user, '/', theme);
      await expect(page.getByTestId('greeting')).toBeVisible();
      await expectAccessible(page, `home ${theme}`);
      expect(await rawTextProblems(page)).toEqual([]);
      await page.getByTestId('tg-settings-button').click();
      await expect(page.locator('main[data-route="settings"]')).toBeVisible();
      await expectAccessible(page, `settings ${theme}`);
      expect(await rawTextProblems(page)).toEqual([]);
    });
  }
}
