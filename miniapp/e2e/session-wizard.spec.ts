// Guided portal-session capture on the Keys screen (issue 16): the steps one at a time (a computer's browser, the Network
// tab, one request, Copy as cURL or the Cookie header), then a checklist read locally as the seller pastes — the first
// missing piece named in their language, nothing sent until "check and add". Russian and English, light and dark,
// 360×640 and 390×844, with the contrast and tap-target checks.
import { expect, type Page, test } from '@playwright/test';
import { ERROR_MESSAGES } from '@slotpilot/shared';
import { expectAccessible, rawTextProblems } from './a11y.ts';
import { saveScreenshot } from './screenshots.ts';
import { mainButton, openApp, sandbox, type TestUser } from './world.ts';

function countKeyAdds(page: Page): () => number {
  let count = 0;
  page.on('request', (request) => {
    if (request.url().includes('/trpc/') && request.url().includes('keys.add')) count++;
  });
  return () => count;
}

const words = {
  ru: { progress: /^Шаг 1 из 5 · /, last: /^Шаг 5 из 5 · /, curl: 'Вставлена команда cURL', added: 'Ключ работает' },
  en: { progress: /^Step 1 of 5 · /, last: /^Step 5 of 5 · /, curl: 'A cURL command was pasted', added: 'The key works' },
} as const;

for (const lang of ['ru', 'en'] as const) {
  test(`the session wizard guides, checks locally and sends nothing until asked (${lang})`, async ({ page }, testInfo) => {
    test.setTimeout(90_000);
    const user: TestUser = { id: lang === 'ru' ? 502_401 : 502_402, firstName: lang === 'ru' ? 'Вика' : 'Vic', lang };
    const seller = await sandbox.createSeller(`ИП Мастер ${user.id}`);
    const keyAdds = countKeyAdds(page);
    const w = words[lang];

    for (const theme of ['light', 'dark'] as const) {
      for (const viewport of [
        { width: 360, height: 640 },
        { width: 390, height: 844 },
      ]) {
        await page.setViewportSize(viewport);
        await openApp(page, user, '/keys', theme);
        await expect(page.getByTestId('wizard-progress')).toHaveText(w.progress);
        await expect(page.getByTestId('wizard-back')).toBeDisabled();
        await expectAccessible(page, `session wizard (${lang}, ${theme}, ${viewport.width})`);
        if (lang === 'ru') expect(await rawTextProblems(page)).toEqual([]);
      }
    }

    // Step by step to the copy step; both ways of copying are explained.
    for (let i = 0; i < 3; i++) await page.getByTestId('wizard-next').click();
    await expect(page.getByTestId('session-wizard')).toHaveAttribute('data-step', 'copy');
    await expect(page.getByTestId('wizard-copy-text')).toContainText('Copy as cURL (bash)');
    await page.getByTestId('segmented-session-method').locator('label').nth(1).click();
    await expect(page.getByTestId('wizard-copy-text')).toContainText('Request Headers → Cookie');
    await expectAccessible(page, `session wizard copy step (${lang})`);

    // A paste: the wizard jumps to its last step and checks what is there, in the shared parser's order.
    const cookies = seller.portalSession.split(';').map((p) => p.trim());
    const token = cookies.find((c) => c.startsWith('WBTokenV3='))?.slice('WBTokenV3='.length) ?? '';
    const validation = cookies.find((c) => c.startsWith('wbx-validation-key=')) ?? '';
    await page.getByTestId('key-secret').fill(`curl 'https://seller.wildberries.ru/ns/x' -H 'authorizev3: ${token}' -b '${validation}'`);
    await expect(page.getByTestId('wizard-progress')).toHaveText(w.last);
    await expect(page.getByTestId('wizard-checks')).toContainText(w.curl);
    await expect(page.getByTestId('wizard-check-token')).toHaveAttribute('data-state', 'ok');
    await expect(page.getByTestId('wizard-check-validationKey')).toHaveAttribute('data-state', 'ok');
    await expect(page.getByTestId('wizard-check-supplierId')).toHaveAttribute('data-state', 'problem');
    await expect(page.getByTestId('wizard-check-fresh')).toHaveAttribute('data-state', 'pending');
    await expect(page.getByTestId('wizard-problem')).toHaveText(ERROR_MESSAGES.KEY_SESSION_NO_SUPPLIER_ID[lang]);
    await expectAccessible(page, `session wizard checklist (${lang})`);
    if (lang === 'ru') expect(await rawTextProblems(page)).toEqual([]);
    await saveScreenshot(page, testInfo, `session-wizard-${lang}`);
    await mainButton(page).click();
    await expect(page.getByTestId('key-form-problem')).toHaveText(ERROR_MESSAGES.KEY_SESSION_NO_SUPPLIER_ID[lang]);
    expect(keyAdds()).toBe(0);

    // The whole Cookie header: every check passes; only now, on "check and add", does it go to the server.
    await page.getByTestId('key-secret').fill(`Cookie: ${seller.portalSession}`);
    await expect(page.getByTestId('wizard-checks')).toHaveAttribute('data-form', 'cookie');
    for (const item of ['format', 'token', 'validationKey', 'supplierId', 'fresh'])
      await expect(page.getByTestId(`wizard-check-${item}`)).toHaveAttribute('data-state', 'ok');
    await expect(page.getByTestId('wizard-problem')).toHaveCount(0);
    expect(keyAdds()).toBe(0);
    await mainButton(page).click();
    await expect(page.getByTestId('key-result')).toContainText(w.added);
    expect(keyAdds()).toBe(1);
  });
}
