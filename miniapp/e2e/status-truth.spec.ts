// A status a seller can trust (issue 16): during a WB 429 storm on the portal report a watching task shows no made-up
// countdown, and the age of its data keeps growing on the card and on the home health line instead of "checked seconds
// ago"; when WB answers again the age drops back.
import { expect, type Page, test } from '@playwright/test';
import { addDays, apiAs, moscowToday, openApp, SANDBOX_URL, sandbox, waitForFeed } from './world.ts';

const user = { id: 501_001, firstName: 'Рита' };

async function fault(body: unknown | null) {
  const response = await fetch(`${SANDBOX_URL}/__sandbox/faults`, {
    method: body === null ? 'DELETE' : 'POST',
    ...(body === null ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`faults: ${response.status}`);
}

/** Seconds in "Данные: кабинет WB · 45 с назад" (minutes count as 60+). */
async function ageOf(page: Page, testId: string): Promise<number> {
  const text = (await page.getByTestId(testId).first().textContent()) ?? '';
  const seconds = text.match(/(\d+) с назад/);
  if (seconds) return Number(seconds[1]);
  const minutes = text.match(/(\d+) мин назад/);
  return minutes ? Number(minutes[1]) * 60 : Number.NaN;
}

test('a 429 storm: no countdown, the data age grows on the card and the home line, then recovers', async ({ page }) => {
  test.setTimeout(150_000);
  await sandbox.stopScenario();
  const seller = await sandbox.createSeller('ИП Шторм');
  const api = await apiAs(user);
  await api.keys.add.mutate({ kind: 'portal_session', name: 'Кабинет', secret: seller.portalSession });
  const day = addDays(moscowToday(), 11);
  await sandbox.closeDays(507, 6, [day]);
  await waitForFeed(user, 507, 6, { [day]: null });
  await api.tasks.create.mutate({
    kind: 'supply',
    mode: 'notify',
    warehouseIds: [507],
    boxTypeId: 6,
    dateFrom: day,
    dateTo: day,
    skipDates: [],
    maxCoefficient: 0,
    keepWatching: false,
  });
  await openApp(page, user, '/');
  await expect(page.getByTestId('task-source')).toHaveText(/^Данные: кабинет WB · \d+ (с|мин) назад$/);
  await expect(page.getByTestId('home-health-line')).toHaveText(/^Всё работает · кабинет WB, данные \d+ (с|мин) назад$/);

  // WB answers every portal report with 429 for 50 s.
  await fault({ endpoint: 'coefficientsReport', kind: '429', durationMs: 50_000, retryAfterS: 40 });
  try {
    await expect.poll(() => ageOf(page, 'task-source'), { timeout: 60_000, intervals: [2_000] }).toBeGreaterThanOrEqual(40);
    // No countdown to a moment that means nothing: the watching task says only that it watches.
    await expect(page.getByTestId('task-next')).toHaveText('Следит за слотами');
    expect(await page.getByTestId('task-badge').getAttribute('data-state')).not.toBe('done');
    const homeText = (await page.getByTestId('home-health-line').textContent()) ?? '';
    expect(Number(homeText.match(/(\d+) с назад/)?.[1] ?? 60)).toBeGreaterThanOrEqual(35);
  } finally {
    await fault(null);
  }
  // WB answers again: the next report read brings the age back down.
  await expect.poll(() => ageOf(page, 'task-source'), { timeout: 60_000, intervals: [2_000] }).toBeLessThan(30);
});
