import type { Page, TestInfo } from '@playwright/test';

/**
 * Save a whole-page screenshot as a test artifact (test-results/screenshots/<name>.png) and attach it to the report. The
 * viewport grows to the page's height for the shot, so fixed bars (tabs, MainButton) sit at the bottom, as on a phone.
 */
export async function saveScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const file = `${testInfo.config.rootDir}/../../test-results/screenshots/${name}.png`;
  const size = page.viewportSize();
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  if (size && height > size.height) await page.setViewportSize({ width: size.width, height });
  try {
    const body = await page.screenshot({ path: file, animations: 'disabled' });
    await testInfo.attach(name, { body, contentType: 'image/png' });
  } finally {
    if (size && height > size.height) await page.setViewportSize(size);
  }
}
