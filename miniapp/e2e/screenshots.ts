import type { Page, TestInfo } from '@playwright/test';

/** Save a full-page screenshot as a test artifact (test-results/screenshots/<name>.png) and attach it to the report. */
export async function saveScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const file = `${testInfo.config.rootDir}/../../test-results/screenshots/${name}.png`;
  const body = await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(name, { body, contentType: 'image/png' });
}
