// The Radar home (issue 16): a returning seller's warehouses × the next 14 Moscow days from the shared feed, with the
// data's age and source; a cell tapped starts a task prefilled for that warehouse and day, or opens the slot-found sheet
// of the task that found it; warehouses pinned and unpinned. A first-time seller keeps the onboarding home. Russian
// (light, 360×640) and English (dark, 390×844), with the contrast and tap-target checks on the radar.
import { expect, test } from '@playwright/test';
import { expectAccessible, rawTextProblems } from './a11y.ts';
import { saveScreenshot } from './screenshots.ts';
import { addDays, apiAs, backButton, moscowToday, openApp, sandbox, type TestUser, waitForFeed } from './world.ts';

const PODOLSK = 117501;
const KOLEDINO = 507;

const cases = [
  {
    user: { id: 502_201, firstName: 'Рита', lang: 'ru' } satisfies TestUser,
    theme: 'light',
    viewport: { width: 360, height: 640 },
    title: 'Радар слотов',
    free: 'беспл.',
    age: /^Данные: кабинет WB · \d+ (с|мин) назад$/,
    found: 'Найден слот',
    pin: 'Закрепить склады',
  },
  {
    user: { id: 502_202, firstName: 'Rob', lang: 'en' } satisfies TestUser,
    theme: 'dark',
    viewport: { width: 390, height: 844 },
    title: 'Slot radar',
    free: 'free',
    age: /^Data: WB seller portal · \d+ (s|min) ago$/,
    found: 'Slot found',
    pin: 'Pin warehouses',
  },
] as const;

test('a first-time seller keeps the onboarding home, without the radar', async ({ page }) => {
  await openApp(page, { id: 502_200, firstName: 'Новичок', lang: 'ru' }, '/');
  await expect(page.getByTestId('tasks-empty')).toBeVisible();
  await expect(page.getByTestId('radar')).toHaveCount(0);
});

for (const c of cases) {
  test(`radar: live cells, a tap starts a prefilled task or opens the found slot, pins (${c.user.lang}, ${c.theme})`, async ({
    page,
  }, testInfo) => {
    test.setTimeout(150_000);
    await sandbox.stopScenario();
    const today = moscowToday();
    const [open, closed, caught] = [addDays(today, 5), addDays(today, 6), addDays(today, 7)];
    await sandbox.setCell(PODOLSK, open, 2, 0);
    await sandbox.closeDays(PODOLSK, 2, [closed, caught]);
    const api = await apiAs(c.user);
    const seller = await sandbox.createSeller(`ИП Радар ${c.user.id}`);
    await api.keys.add.mutate({ kind: 'portal_session', name: 'Кабинет', secret: seller.portalSession });
    await waitForFeed(c.user, PODOLSK, 2, { [open]: 0, [closed]: null, [caught]: null });
    // One task that will catch a cell (notify, that day only), one more that also watches Koledino.
    const finder = await api.tasks.create.mutate({
      kind: 'supply',
      mode: 'notify',
      warehouseIds: [PODOLSK],
      boxTypeId: 2,
      dateFrom: caught,
      dateTo: caught,
      skipDates: [],
      maxCoefficient: 1,
      keepWatching: false,
    });
    await api.tasks.create.mutate({
      kind: 'supply',
      mode: 'notify',
      warehouseIds: [PODOLSK, KOLEDINO],
      boxTypeId: 2,
      dateFrom: addDays(today, 12),
      dateTo: addDays(today, 13),
      skipDates: [],
      maxCoefficient: 0,
      keepWatching: true,
    });
    await sandbox.setCell(PODOLSK, caught, 2, 1);
    await expect.poll(async () => (await api.tasks.get.query({ id: finder.id })).outcome, { timeout: 60_000 }).toBe('notified');

    await page.setViewportSize(c.viewport);
    await openApp(page, c.user, '/', c.theme);
    const radar = page.getByTestId('radar');
    await expect(radar.getByRole('heading', { level: 2 })).toHaveText(c.title);
    // Podolsk is used by both tasks: it comes first; Koledino next.
    await expect(radar.locator('thead th[data-testid^="radar-col-"]')).toHaveCount(2);
    await expect(radar.locator('thead th[data-testid^="radar-col-"]').first()).toHaveAttribute('data-testid', `radar-col-${PODOLSK}`);
    const openCell = page.getByTestId(`radar-${PODOLSK}-${open}`);
    await expect(openCell).toHaveAttribute('data-tone', 'free');
    await expect(openCell).toHaveText(c.free);
    await expect(page.getByTestId(`radar-${PODOLSK}-${closed}`)).toHaveAttribute('data-tone', 'closed');
    await expect(page.getByTestId('radar-source')).toHaveAttribute('data-source', 'portal');
    await expect(page.getByTestId('radar-source')).toHaveText(c.age);
    await expect(page.getByTestId('radar-age')).toHaveCount(0);
    // Live: a cell that opens in WB shows up without a reload.
    await sandbox.setCell(PODOLSK, closed, 2, 2);
    await expect(page.getByTestId(`radar-${PODOLSK}-${closed}`)).toHaveAttribute('data-tone', 'raised', { timeout: 60_000 });
    await expectAccessible(page, `radar (${c.user.lang}, ${c.theme}, ${c.viewport.width})`);
    if (c.user.lang === 'ru') expect(await rawTextProblems(page)).toEqual([]);
    await saveScreenshot(page, testInfo, `radar-${c.user.lang}-${c.theme}`);

    // An open cell: a new task for that warehouse, box type and day, at the cell's coefficient.
    await openCell.click();
    await expect(page.locator('main[data-route="new-task"]')).toBeVisible();
    await expect(page.getByTestId('selected-warehouses')).toContainText('Подольск');
    await expect(page.getByTestId(`day-${open}`)).toHaveAttribute('data-position', 'single');
    await expect(page.getByTestId('segmented-max').locator('.segment.selected')).toHaveText('x0');
    await backButton(page).click();

    // The cell a task of theirs caught: its slot-found sheet.
    await page.getByTestId(`radar-${PODOLSK}-${caught}`).click();
    await expect(page).toHaveURL(new RegExp(`/tasks/${finder.id}/found`));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(c.found);
    await backButton(page).click();

    // Pinning Koledino puts it first; unpinning puts Podolsk back in front.
    await page.getByTestId('radar-edit').click();
    await expect(page.getByTestId('radar-edit')).toHaveAttribute('aria-expanded', 'true');
    await page.getByTestId(`radar-pin-${KOLEDINO}`).click();
    await expect(page.getByTestId(`radar-pin-${KOLEDINO}`)).toHaveAttribute('aria-pressed', 'true');
    await expect(radar.locator('thead th[data-testid^="radar-col-"]').first()).toHaveAttribute('data-testid', `radar-col-${KOLEDINO}`);
    await expectAccessible(page, `radar pins (${c.user.lang}, ${c.theme}, ${c.viewport.width})`);
    if (c.user.lang === 'ru') expect(await rawTextProblems(page)).toEqual([]);
    await page.reload();
    await expect(radar.locator('thead th[data-testid^="radar-col-"]').first()).toHaveAttribute('data-testid', `radar-col-${KOLEDINO}`);
    await page.getByTestId('radar-edit').click();
    await page.getByTestId(`radar-pin-${KOLEDINO}`).click();
    await expect(radar.locator('thead th[data-testid^="radar-col-"]').first()).toHaveAttribute('data-testid', `radar-col-${PODOLSK}`);
    await expect(page.getByTestId('radar-edit')).toHaveText(c.user.lang === 'ru' ? 'Готово' : 'Done');
    await page.getByTestId('radar-edit').click();
    await expect(page.getByTestId('radar-edit')).toHaveText(c.pin);
  });
}
