// Issue 18 in the task form, in Russian and English: with a portal session, auto-booking, a preorder picked and a range
// tapped, the form says what WB's portal estimates the preorder's acceptance would cost on each date — a price in ₽,
// free, or closed — with the cheapest date marked and the Moscow time WB was read.
import { expect, test } from '@playwright/test';
import { MESSAGES } from '../src/i18n/messages.ts';
import { costDayWords } from '../src/insights/preorder-costs-words.ts';
import { expectAccessible, rawTextProblems } from './a11y.ts';
import { saveScreenshot } from './screenshots.ts';
import { addDays, apiAs, moscowToday, openApp, sandbox, tapDay } from './world.ts';

for (const { lang, user, seller: sellerName } of [
  { lang: 'ru', user: { id: 500_801, firstName: 'Вера', lang: 'ru' }, seller: 'ИП Приёмка' },
  { lang: 'en', user: { id: 500_802, firstName: 'Vera', lang: 'en' }, seller: 'ИП Acceptance' },
] as const) {
  test(`${lang}: the chosen preorder's acceptance cost per date of the range`, async ({ page }, testInfo) => {
    test.setTimeout(60_000);
    const words = MESSAGES[lang];
    const today = moscowToday();
    const [paid, free, closed] = [addDays(today, 2), addDays(today, 3), addDays(today, 4)];

    // The world: the preorder's warehouse and box type paid, free and closed on three days in a row.
    await sandbox.stopScenario();
    const seller = await sandbox.createSeller(sellerName);
    const preorder = seller.preorders.find((p) => p.warehouseId === 507 && p.boxTypeId === 2);
    if (!preorder) throw new Error('the sandbox seller has no preorder for 507/boxes');
    await sandbox.setCell(507, paid, 2, 2);
    await sandbox.setCell(507, free, 2, 0);
    await sandbox.setCell(507, closed, 2, -1);
    await (await apiAs(user)).keys.add.mutate({ kind: 'portal_session', name: sellerName, secret: seller.portalSession });

    await openApp(page, user, '/tasks/new');
    await page.getByTestId('segmented-mode').getByText(words['task.mode.autobook']).click();
    await page.getByTestId(`preorder-${preorder.id}`).check();
    // No range yet: nothing about costs.
    await expect(page.getByTestId('preorder-costs')).toHaveCount(0);
    await tapDay(page, paid);
    await tapDay(page, closed);

    const line = page.getByTestId('preorder-costs');
    await expect(line).toContainText(words['preorderCosts.title'], { timeout: 20_000 });
    const day = (date: string) => page.getByTestId(`preorder-cost-${date}`);
    const price = lang === 'ru' ? String.raw`[\d\s]+\s₽` : String.raw`₽[\d,]+`;
    await expect(day(paid)).toHaveText(new RegExp(`^${costDayWords(lang, paid)} — ${price}$`));
    await expect(day(paid)).toHaveAttribute('data-cheapest', 'false');
    await expect(day(free)).toContainText(`${costDayWords(lang, free)} — ${words['preorderCosts.free']}`);
    await expect(day(free)).toHaveAttribute('data-cheapest', 'true');
    await expect(day(free).locator('strong')).toHaveCount(1);
    await expect(day(closed)).toHaveText(`${costDayWords(lang, closed)} — ${words['preorderCosts.closed']}`);
    const asOf = words['preorderCosts.asOf'].replace('{time}', words['time.msk'].replace('{time}', String.raw`\d\d:\d\d`));
    await expect(page.getByTestId('preorder-costs-as-of')).toHaveText(new RegExp(`^${asOf}$`));

    await line.scrollIntoViewIfNeeded();
    await saveScreenshot(page, testInfo, `new-task-preorder-costs-${lang}`);
    await expectAccessible(page, `new task with preorder costs, ${lang}`);
    if (lang === 'ru') expect(await rawTextProblems(page)).toEqual([]);
  });
}
