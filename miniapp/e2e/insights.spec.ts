// Slot statistics (issue 18) in the new-task form and on the warehouse's statistics screen, in Russian and English. The
// e2e server starts with an empty history, and the sandbox cannot make a week of it quickly (its clock is real time), so
// this spec shows the honest "not enough yet" state: how many days of observation there are against the minimum — the
// numbers as the API gave them to this user, the words written out here rather than taken from the app's catalogue.
import { expect, test } from '@playwright/test';
import { expectAccessible, rawTextProblems } from './a11y.ts';
import { saveScreenshot } from './screenshots.ts';
import { apiAs, backButton, openApp, type TestUser } from './world.ts';

const PODOLSK = 117501;

/** The observation sentence for an `insufficient` answer, in the language's plural form for the (decimal) day count. */
function insufficientText(lang: 'ru' | 'en', days: number, minimum: number): string {
  const count = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(days);
  const form = new Intl.PluralRules(lang).select(days);
  if (lang === 'en') {
    return `No statistics yet: this warehouse has been watched for ${count} ${form === 'one' ? 'day' : 'days'} of the ${minimum} needed.`;
  }
  const word = form === 'one' ? 'день' : form === 'many' ? 'дней' : 'дня';
  return `Статистики пока нет: склад наблюдается ${count} ${word} из ${minimum} нужных.`;
}

const cases = [
  {
    user: { id: 501_801, firstName: 'Инна', lang: 'ru' } satisfies TestUser,
    theme: 'light',
    title: 'Статистика слотов',
    box: 'Короба',
    more: 'Статистика склада',
    month: '30 дней',
  },
  {
    user: { id: 501_802, firstName: 'Ian', lang: 'en' } satisfies TestUser,
    theme: 'dark',
    title: 'Slot statistics',
    box: 'Boxes',
    more: 'Warehouse statistics',
    month: '30 days',
  },
] as const;

for (const c of cases) {
  test(`says how much history there is, in the form and on the warehouse screen (${c.user.lang}, ${c.theme})`, async ({
    page,
  }, testInfo) => {
    test.setTimeout(60_000);
    const api = await apiAs(c.user);
    const week = await api.insights.warehouse.query({ warehouseId: PODOLSK, boxTypeId: 2, days: 7 });
    // A fresh server has watched nothing for long: below the minimum, no figure may be shown.
    expect(week.status).toBe('insufficient');
    expect(week.observation.days).toBeLessThan(week.observation.minimumDays);
    const weekText = insufficientText(c.user.lang, week.observation.days, week.observation.minimumDays);

    await page.setViewportSize({ width: 360, height: 640 });
    await openApp(page, c.user, '/tasks/new', c.theme);
    await page.getByTestId('warehouse-search').fill('Подольск');
    await page.getByTestId(`warehouse-${PODOLSK}`).click();
    const line = page.getByTestId('insight-line');
    await expect(line).toHaveAttribute('data-status', 'insufficient');
    await expect(page.getByTestId('insight-text')).toHaveText(weekText);
    // Nothing invented: no slot count, duration or suggestion below the minimum.
    await expect(page.getByTestId('insight-suggestion')).toHaveCount(0);
    await expect(line).not.toContainText(/x\d/);
    await expectAccessible(page, `new task with insights (${c.user.lang}, ${c.theme})`);
    if (c.user.lang === 'ru') expect(await rawTextProblems(page)).toEqual([]);

    await page.getByTestId('insight-more').getByText(c.more).click();
    await expect(page).toHaveURL(new RegExp(`/insights/${PODOLSK}\\?box=2`));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(c.title);
    await expect(page.getByTestId('insights-subject')).toContainText(c.box);
    await expect(page.getByTestId('insights-insufficient')).toHaveText(weekText);
    await expect(page.getByTestId('insights-heatmap')).toHaveCount(0);
    await expectAccessible(page, `warehouse insights (${c.user.lang}, ${c.theme})`);
    if (c.user.lang === 'ru') expect(await rawTextProblems(page)).toEqual([]);
    await saveScreenshot(page, testInfo, `insights-${c.user.lang}-${c.theme}`);

    // The 30-day window asks the server again and says what it answered.
    await page.getByTestId('segmented-insights-window').getByText(c.month).click();
    const month = await api.insights.warehouse.query({ warehouseId: PODOLSK, boxTypeId: 2, days: 30 });
    expect(month.status).toBe('insufficient');
    await expect(page.getByTestId('insights-insufficient')).toHaveText(
      insufficientText(c.user.lang, month.observation.days, month.observation.minimumDays),
    );

    // Back to the form as it was left: the warehouse still chosen, the line still there.
    await backButton(page).click();
    await expect(page.getByTestId('insight-text')).toHaveText(weekText);
  });
}
