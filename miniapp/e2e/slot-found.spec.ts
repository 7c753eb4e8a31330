// From "slot found" to booked in one tap (issue 16): a notify task with a preorder finds a cell; its card opens the
// slot-found sheet (the cell, "найден N секунд назад", WB's choose-date page through Telegram's openLink on the
// MainButton, keep watching / done), and so does a bot alert's startapp link. A seller with no slot source sees it on the
// home screen with the way to Keys. Contrast, tap targets and "no machine words" on the screens with real tasks, in both
// languages and themes at 360×640 and 390×844.
import { expect, test } from '@playwright/test';
import { expectAccessible, rawTextProblems } from './a11y.ts';
import { saveScreenshot } from './screenshots.ts';
import { addDays, apiAs, backButton, mainButton, moscowToday, openApp, sandbox, waitForFeed } from './world.ts';

const finder = { id: 500_701, firstName: 'Нина' };
const sourceless = { id: 500_702, firstName: 'Пётр' };

test('a found slot: card → sheet → WB date page by openLink; keep watching; the alert link opens the sheet', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  await sandbox.stopScenario();
  const seller = await sandbox.createSeller('ИП Находка');
  const preorder = seller.preorders.find((p) => p.warehouseId !== 507);
  if (!preorder) throw new Error('the sandbox seller has no preorder outside Koledino');
  const day = addDays(moscowToday(), 9);
  const api = await apiAs(finder);
  await api.keys.add.mutate({ kind: 'portal_session', name: 'Кабинет', secret: seller.portalSession });
  await sandbox.closeDays(preorder.warehouseId, preorder.boxTypeId, [day]);
  await waitForFeed(finder, preorder.warehouseId, preorder.boxTypeId as 2 | 5 | 6, { [day]: null });
  const task = await api.tasks.create.mutate({
    kind: 'supply',
    mode: 'notify',
    warehouseIds: [preorder.warehouseId],
    boxTypeId: preorder.boxTypeId as 2 | 5 | 6,
    dateFrom: day,
    dateTo: day,
    skipDates: [],
    maxCoefficient: 1,
    keepWatching: false,
  });

  await page.setViewportSize({ width: 360, height: 640 });
  await openApp(page, finder, '/');
  const card = page.locator(`[data-task-id="${task.id}"]`);
  await expect(card.getByTestId('task-next')).toHaveText('Следит за слотами');
  await sandbox.setCell(preorder.warehouseId, day, preorder.boxTypeId, 0);
  await expect(card.getByTestId('task-badge')).toHaveAttribute('data-outcome', 'notified', { timeout: 60_000 });
  await expect(page.getByTestId('task-list-finished')).toContainText('Завершённые');
  await expect(card.getByTestId('task-best')).toContainText('бесплатно');

  await card.getByTestId('open-found').click();
  const sheet = page.getByTestId('slot-found');
  await expect(sheet.getByTestId('found-cell')).toContainText('бесплатно');
  await expect(sheet.getByTestId('found-age')).toHaveText(/^найден \d+ (секунду|секунды|секунд|минуту|минуты|минут) назад$/);
  await expect(backButton(page)).toBeVisible();
  // A notify task has no preorder of its own: the seller's undated preorders for this warehouse and box type are offered.
  await page.getByTestId(`found-preorder-${preorder.id}`).check();
  await expect(mainButton(page)).toHaveText('Забронировать в кабинете WB');
  await expectAccessible(page, 'slot-found ru light 360');
  expect(await rawTextProblems(page)).toEqual([]);
  await saveScreenshot(page, testInfo, 'slot-found-light');
  await mainButton(page).click();
  const url = `https://seller.wildberries.ru/supplies-management/new-supply/choose-date?supplyID=${preorder.id}`;
  await expect.poll(() => page.evaluate(() => window.__slotpilotOpenedLinks ?? [])).toEqual([url]);

  // The task and its timeline, in seller words.
  await backButton(page).click();
  await card.getByText('Подробнее ›').click();
  await expect(page.getByTestId('timeline')).toContainText('Уведомление о слоте отправлено');
  await expect(page.getByTestId('timeline')).not.toContainText(/xstate|\bSTART\b|\(START\)/);
  await expectAccessible(page, 'task detail ru light 360');
  expect(await rawTextProblems(page)).toEqual([]);

  // A bot alert's link (startapp=found_<id>) opens the same sheet, in English and dark at 390×844.
  await page.setViewportSize({ width: 390, height: 844 });
  await openApp(page, { ...finder, lang: 'en' }, `/?startapp=found_${task.id}`, 'dark');
  await expect(page.getByTestId('slot-found')).toBeVisible();
  await expect(page.getByTestId('found-age')).toHaveText(/^found \d+ (second|seconds|minute|minutes) ago$/);
  await page.getByTestId(`found-preorder-${preorder.id}`).check();
  await expect(mainButton(page)).toHaveText('Book in the WB portal');
  await expectAccessible(page, 'slot-found en dark 390');
  await saveScreenshot(page, testInfo, 'slot-found-dark');
  await backButton(page).click();
  await expect(page.getByTestId('greeting')).toHaveText('Hello, Нина!');
  await openApp(page, { ...finder, lang: 'en' }, `/tasks/${task.id}/found`, 'dark');

  // Keep watching: the same cell, as a new notify task from today.
  await page.getByTestId('found-keep-watching').click();
  await expect(page.locator('main[data-route="task"]')).toBeVisible();
  const tasks = await api.tasks.list.query();
  const same = tasks.filter((t) => 'warehouseIds' in t.criteria && t.criteria.warehouseIds[0] === preorder.warehouseId);
  // The cell is still open, so the new task may already have fired again: two tasks either way.
  expect(same).toHaveLength(2);
  await sandbox.closeDays(preorder.warehouseId, preorder.boxTypeId, [day]);
});

test('the home health line says where slot data comes from and that alerts need permission; cards read and tap well', async ({
  page,
}, testInfo) => {
  test.setTimeout(90_000);
  const seller = await sandbox.createSeller('ИП Токен');
  const api = await apiAs(sourceless);
  // Only an API token (WB's official method is off, as today): this seller's tasks see slots only through the shared
  // feed, which another seller's session feeds here. (No source at all is covered by home-health.test.ts: in this suite
  // whether any shared session exists depends on the specs run before.)
  await api.keys.add.mutate({ kind: 'api_token', name: 'Токен', secret: seller.apiToken });
  const lender = await sandbox.createSeller('ИП Лента');
  await (await apiAs({ id: 500_703, firstName: 'Лев' })).keys.add.mutate({
    kind: 'portal_session',
    name: 'Общий',
    secret: lender.portalSession,
    shareFeed: true,
  });
  const day = addDays(moscowToday(), 3);
  await api.tasks.create.mutate({
    kind: 'supply',
    mode: 'notify',
    warehouseIds: [507],
    boxTypeId: 2,
    dateFrom: day,
    dateTo: addDays(day, 2),
    skipDates: [addDays(day, 1)],
    maxCoefficient: 0,
    keepWatching: true,
  });
  for (const theme of ['light', 'dark'] as const) {
    for (const size of [
      { width: 360, height: 640 },
      { width: 390, height: 844 },
    ]) {
      for (const lang of ['ru', 'en'] as const) {
        await page.setViewportSize(size);
        await openApp(page, { ...sourceless, lang }, '/', theme);
        const health = page.getByTestId('home-health-line');
        await expect(health).toHaveText(
          lang === 'ru' ? /^Всё работает · кабинет WB, данные \d+ (с|мин) назад$/ : /^All good · WB seller portal, data \d+ (s|min) ago$/,
          { timeout: 40_000 },
        );
        // Alerts: the bot has not been allowed to write yet.
        await expect(page.getByTestId('home-alerts')).toBeVisible();
        await expect(page.getByTestId('task-card').first()).toContainText(lang === 'ru' ? 'без 1 дня' : '1 day skipped');
        await expectAccessible(page, `home ${lang} ${theme} ${size.width}`);
        if (lang === 'ru') expect(await rawTextProblems(page)).toEqual([]);
      }
    }
    await saveScreenshot(page, testInfo, `home-no-source-${theme}`);
  }
  // Allowing alerts from the home line clears the warning.
  await openApp(page, sourceless, '/');
  await page.getByTestId('home-allow-alerts').click();
  await expect(page.getByTestId('home-alerts')).toHaveCount(0);
});
