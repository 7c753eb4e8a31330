// The seller's main path, end to end against the real server and the WB sandbox: add a portal session on Keys, create an
// auto-booking task through the calendar, watch it poll, open a slot in the sandbox, see the card turn booked.
import { expect, test } from '@playwright/test';
import { expectAccessible, rawTextProblems } from './a11y.ts';
import { saveScreenshot } from './screenshots.ts';
import { addDays, mainButton, moscowToday, openApp, sandbox, tapDay, waitForFeed } from './world.ts';

const user = { id: 500_101, firstName: 'Ольга' };

test('creates an auto-booking task through the calendar; it polls, a slot opens, the card turns booked', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const today = moscowToday();
  const [from, skipped, slot, to] = [addDays(today, 2), addDays(today, 3), addDays(today, 4), addDays(today, 5)];

  // The world: nothing bookable at Koledino (507), boxes, in the range — until the test opens one day.
  await sandbox.stopScenario();
  // A seller WB does not ask for a captcha on booking: the one case auto-booking books by itself.
  const seller = await sandbox.createSeller('ИП Календарь', { captcha: false });
  const preorder = seller.preorders.find((p) => p.warehouseId === 507 && p.boxTypeId === 2);
  if (!preorder) throw new Error('the sandbox seller has no preorder for 507/boxes');
  const range = [from, skipped, slot, to];
  await sandbox.closeDays(507, 2, range);
  await waitForFeed(user, 507, 2, Object.fromEntries(range.map((d) => [d, null])));

  // Keys: the portal session is checked by WB and named by its seller.
  await openApp(page, user, '/keys');
  await page.getByTestId('key-secret').fill(seller.portalSession);
  await mainButton(page).click();
  await expect(page.getByTestId('key-result')).toContainText('ИП Календарь');
  await expect(page.getByTestId('key-row')).toHaveCount(1);

  // New task: Koledino, boxes, up to x1, auto-book with the preorder, the range by two taps with one day skipped.
  await page.getByTestId('tab-tasks').click();
  await expect(mainButton(page)).toHaveText('Новая задача');
  await mainButton(page).click();
  await expect(page.getByRole('heading', { name: 'Новая задача' })).toBeVisible();
  await page.getByTestId('warehouse-search').fill('Коледино');
  await page.getByTestId('warehouse-507').click();
  await expect(page.getByTestId('selected-warehouses')).toContainText('Коледино');
  await tapDay(page, from);
  await expect(page.getByTestId(`day-${from}`)).toHaveAttribute('data-position', 'single');
  await tapDay(page, to);
  await expect(page.getByTestId(`day-${slot}`)).toHaveAttribute('data-position', 'inside');
  await page.getByTestId('calendar-skip-mode').check();
  await tapDay(page, skipped);
  await expect(page.getByTestId(`day-${skipped}`)).toHaveAttribute('data-skipped', 'true');
  await expect(page.getByTestId('calendar-summary')).toContainText('3 дня, 1 день пропущен');
  await page.getByTestId('segmented-mode').getByText('Автобронь').click();
  await expect(page.getByTestId('autobook-note')).toContainText('капчу');
  await page.getByTestId(`preorder-${preorder.id}`).check();
  await expect(page.getByTestId('selected-warehouses')).toContainText('Коледино');
  await mainButton(page).click();

  // Back on the list: the task appears and goes live.
  const card = page.getByTestId('task-card').first();
  await expect(card.getByTestId('task-badge')).toHaveAttribute('data-state', 'polling');
  await expect(card).toContainText('Коледино');
  await expect(card.getByTestId('task-next')).toContainText('Следит за слотами');
  await saveScreenshot(page, testInfo, 'tasks-polling-light');

  // The sandbox opens one day: the actor books it and the card turns booked without a reload.
  await sandbox.setCell(507, slot, 2, 0);
  await expect(card.getByTestId('task-badge')).toHaveAttribute('data-outcome', 'booked', { timeout: 60_000 });
  await expect(card.getByTestId('task-badge')).toHaveText('Забронировано');
  const bookings = (await sandbox.stats()).bookings.filter((b) => String(b.preorderId) === String(preorder.id));
  expect(bookings).toEqual([expect.objectContaining({ warehouseId: 507, date: slot })]);
  await expect(page.getByTestId('credits-trial')).toHaveText('Бесплатных: 1');
  await expect(page.evaluate(() => window.__slotpilotHaptics ?? [])).resolves.toContain('success');
  await saveScreenshot(page, testInfo, 'tasks-booked-light');

  // The detail: the booking result and the timeline.
  await card.getByRole('button', { name: /Коледино/ }).click();
  await expect(page.getByTestId('booking-row')).toHaveAttribute('data-status', 'confirmed');
  await expect(page.getByTestId('timeline')).toContainText('Слот забронирован');
  await saveScreenshot(page, testInfo, 'task-detail-light');
  await page.goto(page.url().replace('theme=light', 'theme=dark'));
  await expect(page.getByTestId('booking-row')).toHaveAttribute('data-status', 'confirmed');
  await saveScreenshot(page, testInfo, 'task-detail-dark');
  await expectAccessible(page, 'booked task detail, dark');
  expect(await rawTextProblems(page)).toEqual([]);

  // History: the booking and its credit, one row each (the reservation and its commit are one event for a seller).
  await page.getByTestId('tg-back-button').click();
  await page.getByTestId('tab-history').click();
  await expect(page.getByTestId('history-bookings').getByRole('listitem')).toHaveCount(1);
  await expect(page.getByTestId('ledger-row').filter({ hasText: 'Бронирование состоялось' })).toHaveCount(1);
  await expect(page.getByTestId('ledger-row').filter({ hasText: 'Зарезервировано' })).toHaveCount(0);
  await expectAccessible(page, 'history, dark');
  expect(await rawTextProblems(page)).toEqual([]);

  await sandbox.closeDays(507, 2, [slot]);
});
