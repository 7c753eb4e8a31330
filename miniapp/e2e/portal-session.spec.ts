// Today's WB (issue 13), as a seller meets it in the Mini App, in Russian and English: the task form sends them to Keys
// for a portal session and keeps their draft; a bad paste is named at once and never sent; a good one is added; the
// calendar says where its data comes from; auto-booking says plainly that WB asks a captcha; the preorder picker lists
// the seller's preorders from the WB portal and makes a new one; a task WB answered with a captcha opens the
// choose-date page through Telegram.
import { expect, type Page, test } from '@playwright/test';
import { ERROR_MESSAGES } from '@slotpilot/shared';
import { saveScreenshot } from './screenshots.ts';
import { addDays, apiAs, backButton, mainButton, moscowToday, openApp, type SandboxSeller, sandbox, tapDay } from './world.ts';

/** The seller's session with one cookie taken out, as a seller who copied only part of the Cookie header would paste it. */
function without(session: string, cookie: string): string {
  return session
    .split(';')
    .map((part) => part.trim())
    .filter((part) => !part.startsWith(`${cookie}=`))
    .join('; ');
}

/** Counts `keys.add` calls the page makes: a paste refused locally must not reach the server. */
function countKeyAdds(page: Page): () => number {
  let count = 0;
  page.on('request', (request) => {
    if (request.url().includes('/trpc/') && request.url().includes('keys.add')) count++;
  });
  return () => count;
}

function unplanned(seller: SandboxSeller) {
  return seller.preorders.map((p) => String(p.id));
}

test('ru: from the task form to Keys and back with the draft, a bad session named, a good one added, the picker filled', async ({
  page,
}, testInfo) => {
  test.setTimeout(90_000);
  const user = { id: 500_601, firstName: 'Инна' };
  const seller = await sandbox.createSeller('ИП Источник');
  const keyAdds = countKeyAdds(page);

  // The task form: a warehouse, its calendar with where the data comes from (the feed reads WB's portal report).
  await openApp(page, user, '/tasks/new');
  await page.getByTestId('warehouse-search').fill('Коледино');
  await page.getByTestId('warehouse-507').click();
  await expect(page.getByTestId('calendar-source')).toHaveAttribute('data-source', 'portal', { timeout: 40_000 });
  await expect(page.getByTestId('calendar-source')).toHaveText(/^Данные: кабинет WB · \d+ (с|мин) назад$/);

  // Auto-booking says what WB does about captchas; without a session it sends the seller to Keys.
  await page.getByTestId('segmented-mode').getByText('Автобронь').click();
  await expect(page.getByTestId('autobook-note')).toContainText('При бронировании WB просит капчу, а мы её никогда не решаем');
  await expect(page.getByTestId('autobook-note')).toContainText('ссылку в один тап на страницу выбора даты');
  await page.getByTestId('autobook-to-keys').click();
  await expect(page).toHaveURL(/\/keys/);

  // Keys: where to copy the session, and sharing off unless chosen.
  const wizard = page.getByTestId('session-wizard');
  await expect(wizard).toContainText('seller.wildberries.ru');
  await page.getByTestId('wizard-next').click();
  await expect(wizard).toContainText('F12');
  await page.getByTestId('wizard-next').click();
  await page.getByTestId('wizard-next').click();
  await expect(wizard).toContainText('Copy as cURL (bash)');
  await page.getByTestId('segmented-session-method').getByText('Заголовок Cookie').click();
  await expect(wizard).toContainText('Request Headers → Cookie');
  await expect(page.getByTestId('key-share-feed')).not.toBeChecked();
  await expect(page.getByTestId('key-share-feed').locator('..')).toContainText('Разрешить SlotPilot использовать этот ключ');

  // A paste with no token: named as it is typed, refused on "add", never sent.
  await page.getByTestId('key-secret').fill('sessionid=whatever; _ga=GA1.1');
  await expect(page.getByTestId('key-local-hint')).toHaveAttribute('data-code', 'KEY_SESSION_NO_TOKEN');
  await expect(page.getByTestId('key-local-hint')).toHaveText(ERROR_MESSAGES.KEY_SESSION_NO_TOKEN.ru);
  await mainButton(page).click();
  await expect(page.getByTestId('key-form-problem')).toHaveText(ERROR_MESSAGES.KEY_SESSION_NO_TOKEN.ru);
  // The Cookie header without the account cookie.
  await page.getByTestId('key-secret').fill(without(seller.portalSession, 'x-supplier-id'));
  await expect(page.getByTestId('key-local-hint')).toHaveText(ERROR_MESSAGES.KEY_SESSION_NO_SUPPLIER_ID.ru);
  await saveScreenshot(page, testInfo, 'keys-session-problem-light');
  await mainButton(page).click();
  await expect(page.getByTestId('key-form-problem')).toHaveAttribute('data-code', 'KEY_SESSION_NO_SUPPLIER_ID');
  expect(keyAdds()).toBe(0);

  // The sandbox seller's session, as a whole Cookie header: recognised, then added and named by WB.
  await page.getByTestId('key-secret').fill(`Cookie: ${seller.portalSession}`);
  await expect(page.getByTestId('key-local-hint')).toHaveAttribute('data-tone', 'ok');
  await expect(page.getByTestId('key-local-hint')).toContainText('Сессия распознана');
  await mainButton(page).click();
  await expect(page.getByTestId('key-result')).toContainText('ИП Источник');
  await expect(page.getByTestId('key-row')).toHaveCount(1);
  expect(keyAdds()).toBe(1);

  // Back to the form as it was left: the warehouse, auto-booking, and now the seller's preorders to pick from.
  await backButton(page).click();
  await expect(page).toHaveURL(/\/tasks\/new/);
  await expect(page.getByTestId('selected-warehouses')).toContainText('Коледино');
  await expect(page.getByTestId('segmented-mode').getByRole('radio', { name: 'Автобронь' })).toBeChecked();
  const list = page.getByTestId('preorder-list');
  await expect(list.getByRole('radio')).toHaveCount(unplanned(seller).length, { timeout: 20_000 });
  for (const id of unplanned(seller)) await expect(list).toContainText(`№${id}`);
  // Picking a preorder of another warehouse takes its warehouse and box type: that is what the task will watch.
  const podolsk = seller.preorders.find((p) => p.warehouseId === 117501 && p.boxTypeId === 2);
  if (!podolsk) throw new Error('the sandbox seller has no preorder for 117501/boxes');
  await page.getByTestId(`preorder-${podolsk.id}`).check();
  await expect(page.getByTestId('selected-warehouses')).toContainText('Подольск');
  await expect(page.getByTestId('selected-warehouses')).not.toContainText('Коледино');
  await expect(page.getByTestId('preorder-chosen')).toContainText('Склад и тип поставки взяты из предзаказа');
  await saveScreenshot(page, testInfo, 'new-task-preorders-light');

  // Opening the app anew is a fresh form: a draft is kept only for the way back from Keys or Credits.
  await openApp(page, user, '/tasks/new', 'dark');
  await page.getByTestId('segmented-mode').getByText('Автобронь').click();
  await expect(page.getByTestId('selected-warehouses')).toHaveCount(0);
  await expect(page.getByTestId('preorder-list').getByRole('radio')).toHaveCount(unplanned(seller).length);
  await saveScreenshot(page, testInfo, 'new-task-preorders-dark');
  await openApp(page, user, '/keys', 'dark');
  await expect(page.getByTestId('key-row')).toHaveCount(1);
  await saveScreenshot(page, testInfo, 'keys-session-dark');
});

test('en: a bad session named, a good one added, the source line, the captcha note, a preorder made and a captcha answered with the date link', async ({
  page,
}, testInfo) => {
  test.setTimeout(150_000);
  const user = { id: 500_602, firstName: 'Ann', lang: 'en' as const };
  await sandbox.stopScenario();
  const seller = await sandbox.createSeller('Source Ltd');
  const day = addDays(moscowToday(), 6);

  await openApp(page, user, '/keys');
  for (let i = 0; i < 3; i++) await page.getByTestId('wizard-next').click();
  await page.getByTestId('segmented-session-method').getByText('Cookie header').click();
  await expect(page.getByTestId('wizard-copy-text')).toHaveText('Headers → Request Headers → Cookie: select and copy the whole value.');
  // A token cut short while copying.
  await page.getByTestId('key-secret').fill(seller.portalSession.replace(/WBTokenV3=([^;]{12})[^;]*/, 'WBTokenV3=$1'));
  await expect(page.getByTestId('key-local-hint')).toHaveText(ERROR_MESSAGES.KEY_SESSION_BAD_TOKEN.en);
  await page.getByTestId('key-secret').fill(without(seller.portalSession, 'wbx-validation-key'));
  await expect(page.getByTestId('key-local-hint')).toHaveText(ERROR_MESSAGES.KEY_SESSION_NO_VALIDATION_KEY.en);
  await mainButton(page).click();
  await expect(page.getByTestId('key-form-problem')).toHaveText(ERROR_MESSAGES.KEY_SESSION_NO_VALIDATION_KEY.en);
  await page.getByTestId('key-secret').fill(seller.portalSession);
  await expect(page.getByTestId('key-local-hint')).toContainText('Session recognised');
  await mainButton(page).click();
  await expect(page.getByTestId('key-result')).toContainText('Source Ltd');

  await openApp(page, user, '/tasks/new');
  await page.getByTestId('warehouse-search').fill('507');
  await page.getByTestId('warehouse-507').click();
  await expect(page.getByTestId('calendar-source')).toHaveText(/^Data: WB seller portal · \d+ (s|min) ago$/, { timeout: 40_000 });
  await tapDay(page, day);
  await tapDay(page, day);
  await page.getByTestId('segmented-mode').getByText('Auto-book').click();
  await expect(page.getByTestId('autobook-note')).toContainText('WB asks for a captcha on booking, and we never solve it');
  await expect(page.getByTestId('autobook-note')).toContainText('SlotPilot books by itself only where WB does not ask');
  await expect(page.getByTestId('preorder-list').getByRole('radio')).toHaveCount(unplanned(seller).length, { timeout: 20_000 });

  // A new preorder from the goods form: a bad row is named, a good one creates it in the WB portal, and it is chosen.
  await page.getByTestId('preorder-create-open').click();
  await page.getByTestId('goods-barcode-0').fill('20412 34');
  await page.getByTestId('preorder-create-submit').click();
  await expect(page.getByTestId('preorder-form')).toContainText('Item 1: a barcode is up to 32 letters and digits');
  await page.getByTestId('goods-barcode-0').fill('2041234567890');
  await page.getByTestId('goods-quantity-0').fill('12');
  await page.getByTestId('goods-add').click();
  await page.getByTestId('goods-barcode-1').fill('2041234567891');
  await page.getByTestId('preorder-create-submit').click();
  await expect(page.getByTestId('preorder-created')).toContainText(/Preorder #\d+ created and chosen\./);
  const created = (await page.getByTestId('preorder-created').textContent())?.match(/#(\d+)/)?.[1];
  if (!created) throw new Error('no preorder id in the confirmation');
  await expect(page.getByTestId(`preorder-${created}`)).toBeChecked();
  await expect(page.getByTestId('preorder-list').getByRole('radio')).toHaveCount(unplanned(seller).length + 1);
  await saveScreenshot(page, testInfo, 'new-task-preorder-created-light');

  // The task: WB asks this seller a captcha on booking, so the task ends needing them, with the date page one tap away.
  await sandbox.closeDays(507, 2, [day]);
  await mainButton(page).click();
  const card = page.getByTestId('task-card').first();
  await expect(card.getByTestId('task-source')).toHaveText(/^Data: WB seller portal · \d+ (s|min) ago$/, { timeout: 20_000 });
  await sandbox.setCell(507, day, 2, 0);
  await expect(card.getByTestId('task-badge')).toHaveAttribute('data-outcome', 'needs-action', { timeout: 60_000 });
  const link = card.getByTestId('action-link');
  await expect(link).toHaveText('Choose the date in the WB portal');
  const url = `https://seller.wildberries.ru/supplies-management/new-supply/choose-date?supplyID=${created}`;
  await expect(link).toHaveAttribute('data-url', url);
  await saveScreenshot(page, testInfo, 'task-needs-action-light');
  await link.click();
  await expect.poll(() => page.evaluate(() => window.__slotpilotOpenedLinks ?? [])).toEqual([url]);
  const api = await apiAs(user);
  const [task] = await api.tasks.list.query();
  expect(task).toMatchObject({ outcome: 'needs-action', actionUrl: url });

  await sandbox.closeDays(507, 2, [day]);
});
