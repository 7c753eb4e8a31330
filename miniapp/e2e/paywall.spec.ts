// Money: two free auto-bookings, then the paywall. The two bookings are set up through the API (the same calls the app
// makes); the third auto-booking task is created in the app, which answers "no credits" with the paywall.
import { expect, test } from '@playwright/test';
import { saveScreenshot } from './screenshots.ts';
import { addDays, apiAs, mainButton, moscowToday, openApp, sandbox, tapDay, waitForFeed } from './world.ts';

const user = { id: 500_301, firstName: 'Пётр' };

test('after the free bookings are used, creating an auto-booking task shows the paywall', async ({ page }, testInfo) => {
  test.setTimeout(150_000);
  const day = addDays(moscowToday(), 8);
  await sandbox.stopScenario();
  // WB asks this seller no captcha on booking, so the two auto-bookings go through by themselves.
  const seller = await sandbox.createSeller('ИП Два Слота', { captcha: false });
  const preorderAt = (warehouseId: number, boxTypeId: number) => {
    const found = seller.preorders.find((p) => p.warehouseId === warehouseId && p.boxTypeId === boxTypeId);
    if (!found) throw new Error(`no sandbox preorder for ${warehouseId}/${boxTypeId}`);
    return String(found.id);
  };
  await sandbox.closeDays(507, 2, [day]);
  await sandbox.closeDays(117501, 2, [day]);
  await waitForFeed(user, 507, 2, { [day]: null });
  await waitForFeed(user, 117501, 2, { [day]: null });

  // Two bookings, as the app would make them.
  const api = await apiAs(user);
  await api.keys.add.mutate({ kind: 'portal_session', name: 'Кабинет', secret: seller.portalSession });
  const task = (warehouseId: number) =>
    api.tasks.create.mutate({
      kind: 'supply',
      mode: 'autobook',
      warehouseIds: [warehouseId],
      boxTypeId: 2,
      dateFrom: day,
      dateTo: day,
      maxCoefficient: 1,
      preorderId: preorderAt(warehouseId, 2),
    });
  const tasks = [await task(507), await task(117501)];
  await sandbox.setCell(507, day, 2, 0);
  await sandbox.setCell(117501, day, 2, 1);
  await expect
    .poll(async () => Promise.all(tasks.map(async ({ id }) => (await api.tasks.get.query({ id })).outcome)), { timeout: 60_000 })
    .toEqual(['booked', 'booked']);
  expect((await api.me.get.query()).credits).toEqual({ trial: 0, paid: 0 });

  // History shows both bookings.
  await openApp(page, user, '/history');
  await expect(page.getByTestId('history-bookings').locator('li')).toHaveCount(2);
  await saveScreenshot(page, testInfo, 'history-light');
  await openApp(page, user, '/history', 'dark');
  await expect(page.getByTestId('history-bookings').locator('li')).toHaveCount(2);
  await saveScreenshot(page, testInfo, 'history-dark');

  // A third auto-booking task, made in the app: the API says "no credits", the app shows the paywall.
  await openApp(page, user, '/');
  await expect(page.getByTestId('credits-trial')).toHaveText('Бесплатных: 0');
  await mainButton(page).click();
  await page.getByTestId('warehouse-search').fill('507');
  await page.getByTestId('warehouse-507').click();
  await page.getByTestId('segmented-box').getByText('Монопаллеты').click();
  await tapDay(page, day);
  await tapDay(page, day);
  await page.getByTestId('segmented-mode').getByText('Автобронь').click();
  await page.getByTestId(`preorder-${preorderAt(507, 5)}`).check();
  await mainButton(page).click();
  await expect(page.getByTestId('paywall')).toBeVisible();
  await expect(page.getByTestId('paywall')).toContainText('Бесплатные автобронирования закончились');
  await expect(page).toHaveURL(/\/credits\?paywall=1/);
  await expect(page.getByTestId('balance-trial')).toHaveText('0');
  await saveScreenshot(page, testInfo, 'paywall-light');
  await openApp(page, user, '/credits?paywall=1', 'dark');
  await expect(page.getByTestId('paywall')).toBeVisible();
  await saveScreenshot(page, testInfo, 'paywall-dark');

  await sandbox.closeDays(507, 2, [day]);
  await sandbox.closeDays(117501, 2, [day]);
});
