// The inspector is for SlotPilot's operators: an admin sees every actor, its machine and its live events; a seller does not.

import { expect, test } from '@playwright/test';
import { ERROR_MESSAGES } from '@slotpilot/shared';
import { saveScreenshot } from './screenshots.ts';
import { ADMIN_ID, addDays, apiAs, moscowToday, openApp, sandbox, waitForFeed } from './world.ts';

const admin = { id: ADMIN_ID, firstName: 'Админ' };
const seller = { id: 500_401, firstName: 'Семён' };

test('an admin sees every actor, its machine with the current state lit, and its events live', async ({ page }, testInfo) => {
  test.setTimeout(90_000);
  // A seller's task that keeps polling: nothing bookable in its range.
  const days = [1, 2, 3].map((n) => addDays(moscowToday(), n));
  await sandbox.stopScenario();
  await sandbox.closeDays(900103, 2, days);
  await waitForFeed(seller, 900103, 2, Object.fromEntries(days.map((d) => [d, null])));
  const api = await apiAs(seller);
  const { id } = await api.tasks.create.mutate({
    kind: 'supply',
    mode: 'notify',
    warehouseIds: [900103],
    boxTypeId: 2,
    dateFrom: days[0] ?? '',
    dateTo: days[2] ?? '',
    maxCoefficient: 1,
  });
  await expect.poll(async () => (await api.tasks.get.query({ id })).state).toBe('polling');

  await openApp(page, admin);
  await page.getByTestId('open-inspector').click();
  const row = page.locator(`[data-actor-id="${id}"]`);
  await expect(row.getByTestId('task-badge')).toHaveAttribute('data-state', 'polling');
  await expect(row).toContainText(String(seller.id));
  await saveScreenshot(page, testInfo, 'inspector-light');

  await row.click();
  const diagram = page.getByTestId('machine-diagram');
  await expect(diagram.locator('[data-state="polling"]')).toHaveAttribute('data-active', 'true');
  await expect(diagram.locator('[data-state="idle"]')).toHaveAttribute('data-active', 'false');
  await expect(page.getByTestId('actor-context')).toContainText('"taskId"');
  await expect(page.getByTestId('inspector-live')).toHaveClass(/badge-active/);

  // The seller pauses the task: the event arrives live and the diagram moves to idle.
  await api.tasks.pause.mutate({ id });
  await expect(page.getByTestId('actor-events')).toContainText('→ idle');
  await expect(diagram.locator('[data-state="idle"]')).toHaveAttribute('data-active', 'true');
  await saveScreenshot(page, testInfo, 'actor-light');

  await page.goto(page.url().replace('theme=light', 'theme=dark'));
  await expect(diagram.locator('[data-state="idle"]')).toHaveAttribute('data-active', 'true');
  await saveScreenshot(page, testInfo, 'actor-dark');
  await openApp(page, admin, '/inspector', 'dark');
  await expect(page.locator(`[data-actor-id="${id}"]`)).toBeVisible();
  await saveScreenshot(page, testInfo, 'inspector-dark');
  await api.tasks.cancel.mutate({ id });
});

test('a seller has no inspector: no entry point, and the screen says why', async ({ page }) => {
  await openApp(page, seller);
  await expect(page.getByTestId('greeting')).toBeVisible();
  await expect(page.getByTestId('open-inspector')).toHaveCount(0);
  await openApp(page, seller, '/inspector');
  await expect(page.getByTestId('inspector-error')).toHaveAttribute('data-code', 'FORBIDDEN');
  await expect(page.getByTestId('inspector-error')).toContainText(ERROR_MESSAGES.FORBIDDEN.ru);
  await expect(page.getByTestId('inspector-actors')).toHaveCount(0);
});
