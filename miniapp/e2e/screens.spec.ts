// Every screen in light and dark, with real data from the server and the sandbox, saved as artifacts; plus what the
// calendar shows and refuses, and the Telegram buttons driving navigation.
import { expect, type Page, test } from '@playwright/test';
import { saveScreenshot } from './screenshots.ts';
import { addDays, apiAs, backButton, mainButton, moscowToday, openApp, sandbox, tapDay, waitForFeed } from './world.ts';

const user = { id: 500_501, firstName: 'Вера' };
const THEMES = ['light', 'dark'] as const;

test.beforeAll(async () => {
  await sandbox.stopScenario();
  const seller = await sandbox.createSeller('ИП Витрина');
  const api = await apiAs(user);
  await api.keys.add.mutate({ kind: 'portal_session', name: 'Кабинет', secret: seller.portalSession });
  await api.keys.add.mutate({ kind: 'api_token', name: 'Токен', secret: seller.apiToken });
});

/** Five days inside WB's 14-day window, all in one month (the calendar shows a month at a time). */
function daysInOneMonth(): string[] {
  const today = moscowToday();
  for (let start = 1; ; start++) {
    const days = [0, 1, 2, 3, 4].map((n) => addDays(today, start + n));
    if (days[0]?.slice(0, 7) === days[4]?.slice(0, 7)) return days;
  }
}

async function newTaskWithColours(page: Page, theme: 'light' | 'dark', days: string[]) {
  await openApp(page, user, '/tasks/new', theme);
  await page.getByTestId('warehouse-search').fill('Подольск');
  await page.getByTestId('warehouse-117501').click();
  // Supersafe at Podolsk: a cell no other spec touches.
  await page.getByTestId('segmented-box').getByText('Суперсейф').click();
  const first = page.getByTestId(`day-${days[0]}`);
  for (let i = 0; i < 2 && !(await first.isVisible()); i++) await page.getByTestId('calendar-next').click();
  await expect(first).toHaveAttribute('data-tone', 'free');
}

test('the calendar: colours by the best coefficient, a range by two taps, refusals explained', async ({ page }, testInfo) => {
  test.setTimeout(90_000);
  const today = moscowToday();
  const [d0, d1, d2, d3, closed] = daysInOneMonth() as [string, string, string, string, string];
  const days = [d0, d1, d2, d3];
  const coefficients = [0, 1, 3, 6];
  for (const [i, day] of days.entries()) await sandbox.setCell(117501, day, 6, coefficients[i] ?? -1);
  await sandbox.closeDays(117501, 6, [closed]);
  await waitForFeed(user, 117501, 6, { ...Object.fromEntries(days.map((d, i) => [d, coefficients[i] ?? null])), [closed]: null });

  await newTaskWithColours(page, 'light', days);
  expect(await Promise.all(days.map((d) => page.getByTestId(`day-${d}`).getAttribute('data-tone')))).toEqual([
    'free',
    'normal',
    'raised',
    'high',
  ]);
  await expect(page.getByTestId(`day-${closed}`)).toHaveAttribute('data-tone', 'closed');
  // Yesterday (Moscow) is disabled, today is not.
  await openApp(page, user, '/tasks/new');
  if (addDays(today, -1).slice(0, 7) === today.slice(0, 7)) await expect(page.getByTestId(`day-${addDays(today, -1)}`)).toBeDisabled();
  await expect(page.getByTestId(`day-${today}`)).toBeEnabled();
  await newTaskWithColours(page, 'light', days);

  // Pressing "create" with no dates names what is missing.
  await mainButton(page).click();
  await expect(page.getByTestId('calendar-problem')).toHaveText('Выберите период: нажмите на первый и последний день.');
  // A second tap before the first restarts the range, and says so.
  await tapDay(page, d2);
  await tapDay(page, d0);
  await expect(page.getByTestId('calendar-notice')).toContainText('Конец не может быть раньше начала');
  await expect(page.getByTestId('calendar-problem')).toHaveText('Выберите последний день периода.');
  await tapDay(page, d3);
  await expect(page.getByTestId('calendar-problem')).toHaveCount(0);
  // Tap-and-hold opens the day's details, which skip a day inside the range.
  const held = page.getByTestId(`day-${d1}`);
  await held.dispatchEvent('pointerdown');
  await expect(page.getByTestId('day-details')).toBeVisible();
  await held.dispatchEvent('pointerup');
  await page.getByTestId('day-details-skip').click();
  await expect(held).toHaveAttribute('data-skipped', 'true');
  await expect(page.getByTestId('calendar-summary')).toContainText('1 день пропущен');
  await page.getByTestId('day-details-close').click();
  await saveScreenshot(page, testInfo, 'new-task-light');

  await newTaskWithColours(page, 'dark', days);
  await tapDay(page, d0);
  await tapDay(page, d3);
  await page.getByTestId('segmented-mode').getByText('Автобронь').click();
  await saveScreenshot(page, testInfo, 'new-task-dark');

  // Telegram's BackButton leads back to the list.
  await backButton(page).click();
  await expect(page.getByTestId('greeting')).toBeVisible();
  await expect(backButton(page)).toHaveCount(0);
});

test('tasks, redistribution and credits screens in both themes', async ({ page }, testInfo) => {
  test.setTimeout(90_000);
  const api = await apiAs(user);
  const from = addDays(moscowToday(), 1);
  const { id } = await api.tasks.create.mutate({
    kind: 'supply',
    mode: 'notify',
    warehouseIds: [900105, 900106],
    boxTypeId: 5,
    dateFrom: from,
    dateTo: addDays(from, 6),
    maxCoefficient: 0,
    keepWatching: true,
  });
  await api.tasks.pause.mutate({ id });

  for (const theme of THEMES) {
    await openApp(page, user, '/', theme);
    await expect(page.getByTestId('task-card').first().getByTestId('task-badge')).toHaveAttribute('data-state', 'idle');
    await saveScreenshot(page, testInfo, `tasks-${theme}`);

    await openApp(page, user, '/redistribution', theme);
    await expect(page.getByTestId('limits-table').locator('tbody tr').first()).toBeVisible();
    await saveScreenshot(page, testInfo, `redistribution-${theme}`);

    await openApp(page, user, '/credits', theme);
    await expect(page.getByTestId('balance-trial')).toHaveText('2');
    await expect(page.getByTestId('packs').locator('label')).toHaveCount(3);
    await saveScreenshot(page, testInfo, `credits-${theme}`);
  }

  // Quick controls: resume from the card, live badge follows.
  await openApp(page, user, '/');
  const card = page.locator(`[data-task-id="${id}"]`);
  await card.getByTestId('task-resume').click();
  // Running again; if a free cell is open at these warehouses it may already be alerting (keepWatching brings it back).
  await expect(card.getByTestId('task-badge')).toHaveAttribute('data-state', /^(polling|booking)$/);
  await card.getByTestId('task-cancel').click();
  // Telegram's own popup confirms it (the stand-in outside Telegram).
  await expect(page.getByTestId('tg-popup')).toContainText('Отменить задачу?');
  await page.getByTestId('tg-popup-yes').click();
  await expect(card.getByTestId('task-badge')).toHaveAttribute('data-outcome', 'cancelled');
});
