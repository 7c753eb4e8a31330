// The Mini App outside Telegram: mocked Telegram environment, dev login, the user greeted by name in their language.
import { expect, test } from '@playwright/test';
import { saveScreenshot } from './screenshots.ts';

test('greets the dev user in Russian by default, with the free bookings', async ({ page }, testInfo) => {
  await page.goto('/?theme=light');
  await expect(page.getByTestId('greeting')).toHaveText('Привет, Dev!');
  await expect(page.getByTestId('credits-trial')).toHaveText('Бесплатных: 2');
  await expect(page.locator('html')).toHaveAttribute('lang', 'ru');
  await saveScreenshot(page, testInfo, 'home-light');
});

test('speaks English to an English-language user', async ({ page }) => {
  await page.goto('/?devUserId=222&devFirstName=Ann&lang=en');
  await expect(page.getByTestId('greeting')).toHaveText('Hello, Ann!');
  await expect(page.getByTestId('credits-trial')).toHaveText('Free: 2');
});

test('applies the Telegram theme (dark)', async ({ page }, testInfo) => {
  await page.goto('/?devUserId=333&devFirstName=Night&theme=dark');
  await expect(page.getByTestId('greeting')).toHaveText('Привет, Night!');
  // Telegram's dark secondary background (#0e1621) reaches the page through --tg-theme-* CSS variables.
  await expect(page.locator('body')).toHaveCSS('background-color', 'rgb(14, 22, 33)');
  await saveScreenshot(page, testInfo, 'home-dark');
});

test('remembers the user across a reload (the data is in PostgreSQL, not the page)', async ({ page }) => {
  await page.goto('/?devUserId=444&devFirstName=Reload');
  await expect(page.getByTestId('greeting')).toHaveText('Привет, Reload!');
  await page.reload();
  await expect(page.getByTestId('greeting')).toHaveText('Привет, Reload!');
});
