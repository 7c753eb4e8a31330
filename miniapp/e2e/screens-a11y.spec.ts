// Every main screen with data on it, in both languages and themes at 360×640 and 390×844: WCAG AA text contrast, 44 px
// tap targets, and no machine words or raw English in the Russian UI (issue 16).
import { expect, test } from '@playwright/test';
import { expectAccessible, rawTextProblems } from './a11y.ts';
import { apiAs, openApp, sandbox } from './world.ts';

const user = { id: 500_901, firstName: 'Ада' };
const SCREENS = [
  { path: '/keys', ready: 'key-row' },
  { path: '/history', ready: 'history-bookings-none' },
  { path: '/credits', ready: 'balance-trial' },
  { path: '/settings', ready: 'settings-alerts' },
] as const;

test.beforeAll(async () => {
  const seller = await sandbox.createSeller('ИП Доступность');
  const api = await apiAs(user);
  await api.keys.add.mutate({ kind: 'portal_session', name: 'Кабинет', secret: seller.portalSession });
});

for (const theme of ['light', 'dark'] as const) {
  for (const size of [
    { width: 360, height: 640 },
    { width: 390, height: 844 },
  ]) {
    test(`keys, history, credits, settings, redistribution: contrast, tap targets, wording (${theme}, ${size.width}×${size.height})`, async ({
      page,
    }) => {
      test.setTimeout(60_000);
      await page.setViewportSize(size);
      for (const lang of ['ru', 'en'] as const) {
        for (const screen of SCREENS) {
          await openApp(page, { ...user, lang }, screen.path, theme);
          await expect(page.getByTestId(screen.ready).first()).toBeVisible();
          await expectAccessible(page, `${screen.path} ${lang} ${theme} ${size.width}`);
          if (lang === 'ru') expect(await rawTextProblems(page), screen.path).toEqual([]);
        }
        await openApp(page, { ...user, lang }, '/redistribution', theme);
        await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
        await expect(page.locator('[aria-busy="true"]')).toHaveCount(0, { timeout: 15_000 });
        await expectAccessible(page, `/redistribution ${lang} ${theme} ${size.width}`);
        if (lang === 'ru') expect(await rawTextProblems(page), '/redistribution').toEqual([]);
      }
    });
  }
}
