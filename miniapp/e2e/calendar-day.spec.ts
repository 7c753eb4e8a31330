// A calendar day in detail (issue 16): tap-and-hold a day — or "about this day" under the grid, reachable by keyboard —
// and the form says which warehouse is behind the day's colour, at which coefficient, since when (the cell's recorded
// change) or as of when the picture was read, and the day's best warehouse's history (the insight line; a fresh e2e server
// has too little of it, so the honest "not enough yet" line). Russian (light, 360×640) and English (dark, 390×844).
import { expect, test } from '@playwright/test';
import { expectAccessible, rawTextProblems } from './a11y.ts';
import { saveScreenshot } from './screenshots.ts';
import { addDays, apiAs, moscowToday, openApp, sandbox, type TestUser, waitForFeed } from './world.ts';

const PODOLSK = 117501;
const KOLEDINO = 507;

const cases = [
  {
    user: { id: 502_301, firstName: 'Дина', lang: 'ru' } satisfies TestUser,
    theme: 'light',
    viewport: { width: 360, height: 640 },
    box: 'Монопаллеты',
    when: /^(с|на) \d\d:\d\d:\d\d МСК$/,
    none: 'нет открытых слотов',
    history: 'История склада Подольск:',
    more: 'Подробнее о дне',
  },
  {
    user: { id: 502_302, firstName: 'Dan', lang: 'en' } satisfies TestUser,
    theme: 'dark',
    viewport: { width: 390, height: 844 },
    box: 'Pallets',
    when: /^(since|as of) \d\d:\d\d:\d\d Moscow time$/,
    none: 'no open slots',
    history: 'History of Подольск:',
    more: 'About this day',
  },
] as const;

/** Two days inside WB's 14-day window in the month the calendar opens on (this month). */
function twoDaysThisMonth(): [string, string] {
  const today = moscowToday();
  for (let start = 1; start < 13; start++) {
    const [a, b] = [addDays(today, start), addDays(today, start + 1)];
    if (a.slice(0, 7) === today.slice(0, 7) && b.slice(0, 7) === today.slice(0, 7)) return [a, b];
  }
  return [addDays(today, 0), addDays(today, 1)];
}

for (const c of cases) {
  test(`a day in detail: warehouse, coefficient, since when, history (${c.user.lang}, ${c.theme})`, async ({ page }, testInfo) => {
    test.setTimeout(120_000);
    await sandbox.stopScenario();
    const [day, next] = twoDaysThisMonth();
    await sandbox.setCell(PODOLSK, day, 5, 1);
    await sandbox.setCell(KOLEDINO, day, 5, -1);
    const api = await apiAs(c.user);
    const seller = await sandbox.createSeller(`ИП День ${c.user.id}`);
    await api.keys.add.mutate({ kind: 'portal_session', name: 'Кабинет', secret: seller.portalSession });
    await waitForFeed(c.user, PODOLSK, 5, { [day]: 1 });
    await waitForFeed(c.user, KOLEDINO, 5, { [day]: null });

    await page.setViewportSize(c.viewport);
    await openApp(page, c.user, '/tasks/new', c.theme);
    await page.getByTestId('warehouse-search').fill('Коледино');
    await page.getByTestId(`warehouse-${KOLEDINO}`).click();
    await page.getByTestId('warehouse-search').fill('Подольск');
    await page.getByTestId(`warehouse-${PODOLSK}`).click();
    await page.getByTestId('segmented-box').getByText(c.box).click();
    const held = page.getByTestId(`day-${day}`);
    await expect(held).toHaveAttribute('data-tone', 'normal');

    // Tap-and-hold: the details, the bookable warehouse first, then the closed one; the day is not picked.
    await held.dispatchEvent('pointerdown');
    const details = page.getByTestId('day-details');
    await expect(details).toBeVisible();
    await held.dispatchEvent('pointerup');
    await expect(held).toHaveAttribute('data-position', '');
    const rows = details.locator('.day-row');
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(0)).toHaveAttribute('data-testid', `day-row-${PODOLSK}`);
    await expect(rows.nth(0).locator('.day-row-value')).toHaveText('x1');
    await expect(rows.nth(0).locator('.day-row-when')).toHaveText(c.when);
    await expect(rows.nth(1).locator('.day-row-value')).toHaveText(c.none);
    await expect(page.getByTestId('day-insight')).toContainText(c.history);
    await expect(page.getByTestId('day-insight').getByTestId('insight-line')).toHaveAttribute('data-status', 'insufficient');
    // Not in a range yet: nothing to skip.
    await expect(page.getByTestId('day-details-skip')).toHaveCount(0);
    await expectAccessible(page, `day details (${c.user.lang}, ${c.theme}, ${c.viewport.width})`);
    if (c.user.lang === 'ru') expect(await rawTextProblems(page)).toEqual([]);
    await saveScreenshot(page, testInfo, `day-details-${c.user.lang}-${c.theme}`);
    await page.keyboard.press('Escape');
    await expect(details).toHaveCount(0);

    // By keyboard: pick a day with Enter, then "about this day".
    await page.getByTestId(`day-${next}`).focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId(`day-${next}`)).toHaveAttribute('data-position', 'single');
    const more = page.getByTestId('calendar-day-more');
    await expect(more).toHaveText(c.more);
    await more.focus();
    await page.keyboard.press('Enter');
    await expect(details).toBeFocused();
    await expect(details.getByRole('heading', { level: 3 })).toBeVisible();
    await page.getByTestId('day-details-close').click();
    await expect(details).toHaveCount(0);
  });
}
