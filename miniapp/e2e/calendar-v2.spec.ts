// Calendar v2 (issue 16): days that meet the task's maximum marked (a check, not only a colour), which warehouse and
// coefficient are behind a day, "бесплатно" instead of x0, the time the coefficients are from; contrast and tap targets
// in both themes at 360×640.
import { expect, test } from '@playwright/test';
import { expectAccessible, rawTextProblems } from './a11y.ts';
import { saveScreenshot } from './screenshots.ts';
import { addDays, apiAs, moscowToday, openApp, sandbox, tapDay, waitForFeed } from './world.ts';

const user = { id: 500_801, firstName: 'Кира' };

/** Four days inside WB's 14-day window, in one month (the calendar shows a month at a time). */
function fourDays(): string[] {
  const today = moscowToday();
  for (let start = 1; ; start++) {
    const days = [0, 1, 2, 3].map((n) => addDays(today, start + n));
    if (days[0]?.slice(0, 7) === days[3]?.slice(0, 7)) return days;
  }
}

test('marks the days that fit, says which warehouse is behind a day, and when the data is from', async ({ page }, testInfo) => {
  test.setTimeout(90_000);
  await sandbox.stopScenario();
  const seller = await sandbox.createSeller('ИП Календарь-2');
  await (await apiAs(user)).keys.add.mutate({ kind: 'portal_session', name: 'Кабинет', secret: seller.portalSession });
  const [d0, d1, d2, d3] = fourDays() as [string, string, string, string];
  // Monopallets at Podolsk: a cell no other spec touches.
  const values: Record<string, number> = { [d0]: 0, [d1]: 1, [d2]: 3, [d3]: -1 };
  for (const [day, c] of Object.entries(values)) await sandbox.setCell(117501, day, 5, c);
  await waitForFeed(user, 117501, 5, { [d0]: 0, [d1]: 1, [d2]: 3, [d3]: null });

  for (const theme of ['light', 'dark'] as const) {
    await page.setViewportSize({ width: 360, height: 640 });
    await openApp(page, user, '/tasks/new', theme);
    await page.getByTestId('warehouse-search').fill('Подольск');
    await page.getByTestId('warehouse-117501').click();
    await page.getByTestId('segmented-box').getByText('Монопаллеты').click();
    await page.getByTestId('segmented-max').getByText('x1', { exact: true }).click();
    const day0 = page.getByTestId(`day-${d0}`);
    for (let i = 0; i < 2 && !(await day0.isVisible()); i++) await page.getByTestId('calendar-next').click();
    await expect(day0).toHaveAttribute('data-tone', 'free');
    await expect(day0).toHaveAttribute('data-meets', 'true');
    await expect(day0).toContainText('беспл.');
    await expect(page.getByTestId(`day-${d1}`)).toHaveAttribute('data-meets', 'true');
    await expect(page.getByTestId(`day-${d2}`)).toHaveAttribute('data-meets', 'false');
    await expect(page.getByTestId(`day-${d3}`)).toHaveAttribute('data-tone', 'closed');
    await expect(page.getByTestId('calendar')).toContainText('бесплатно');
    await expect(page.getByTestId('calendar')).toContainText('✓ подходит (до x1)');
    await expect(page.getByTestId('calendar-as-of')).toHaveText(/^Коэффициенты на \d\d:\d\d:\d\d МСК$/);
    await tapDay(page, d2);
    await expect(page.getByTestId('calendar-day-detail')).toContainText('Подольск x3');
    await expectAccessible(page, `new task ${theme}`);
    expect(await rawTextProblems(page)).toEqual([]);
    await saveScreenshot(page, testInfo, `calendar-v2-${theme}`);
  }
});
