// What specs need besides the page: the WB sandbox's control API, the SlotPilot API as a given user (dev login), Moscow
// dates, and the Mini App opened as a user with a language and theme.

import { expect, type Page } from '@playwright/test';
import type { AppRouter } from '@slotpilot/server/router';
import { createTRPCClient, httpLink } from '@trpc/client';
import { addDays, moscowToday } from '../src/calendar/moscow-date.ts';

// playwright.config.ts picks both ports (free ones) and hands them to every worker through the environment.
export const APP_URL = `http://127.0.0.1:${process.env.E2E_PORT}`;
export const SANDBOX_URL = `http://127.0.0.1:${process.env.E2E_SANDBOX_PORT}`;
export const ADMIN_ID = 100_000_999;

export { addDays, moscowToday };

async function post<T>(path: string, body: unknown): Promise<T> {
  const response = await fetch(`${SANDBOX_URL}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`sandbox ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export interface SandboxSeller {
  sid: string;
  name: string;
  apiToken: string;
  portalSession: string;
  preorders: Array<{ id: number | string; warehouseId: number; boxTypeId: number }>;
}

export const sandbox = {
  /** The scenario moves coefficients at random; specs stop it and set every cell they rely on themselves. */
  stopScenario: () => post('/__sandbox/scenario', { running: false }),
  /** `captcha: false`: WB never asks this seller for a captcha on booking (plan/add), so auto-booking books. */
  createSeller: (name: string, options: { tokenExpiresInS?: number; captcha?: boolean } = {}) =>
    post<SandboxSeller>('/__sandbox/sellers', { name, ...options }),
  setCell: (warehouseId: number, date: string, boxTypeId: number, coefficient: number) =>
    post('/__sandbox/coefficients', { warehouseId, date, boxTypeId, coefficient, allowUnload: coefficient >= 0 }),
  async closeDays(warehouseId: number, boxTypeId: number, dates: string[]) {
    for (const date of dates) await sandbox.setCell(warehouseId, date, boxTypeId, -1);
  },
  async stats() {
    const response = await fetch(`${SANDBOX_URL}/__sandbox/stats`);
    return (await response.json()) as { bookings: Array<{ sid?: string; preorderId: number | string; warehouseId: number; date: string }> };
  },
};

export interface TestUser {
  id: number;
  firstName: string;
  lang?: 'ru' | 'en';
}

/** The API as this user, signed in through the dev login exactly as the Mini App is. */
export async function apiAs(user: TestUser) {
  const query = new URLSearchParams({ userId: String(user.id), firstName: user.firstName, languageCode: user.lang ?? 'ru' });
  const initData = await (await fetch(`${APP_URL}/dev/init-data?${query}`)).text();
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${APP_URL}/trpc`, headers: { authorization: `tma ${initData}` } })],
  });
}

/** Waits until the shared feed shows these days as they are now in the sandbox (nothing bookable ⇔ closed). */
export async function waitForFeed(user: TestUser, warehouseId: number, boxTypeId: 2 | 5 | 6, days: Record<string, number | null>) {
  const api = await apiAs(user);
  await expect
    .poll(
      async () => {
        const answer = await api.slots.calendar.query({ warehouseIds: [warehouseId], boxTypeId });
        return Object.fromEntries(
          Object.keys(days).map((date) => [date, answer.days.find((d) => d.date === date)?.best?.coefficient ?? null]),
        );
      },
      { timeout: 40_000, intervals: [500, 1_000] },
    )
    .toEqual(days);
}

export function appPath(path: string, user: TestUser, theme: 'light' | 'dark' = 'light'): string {
  const query = new URLSearchParams({ devUserId: String(user.id), devFirstName: user.firstName, theme });
  if (user.lang) query.set('lang', user.lang);
  return `${path}${path.includes('?') ? '&' : '?'}${query}`;
}

export async function openApp(page: Page, user: TestUser, path = '/', theme: 'light' | 'dark' = 'light') {
  await page.goto(appPath(path, user, theme));
}

/** The stand-in for Telegram's MainButton (outside Telegram the app draws it; it fires the SDK's real event). */
export const mainButton = (page: Page) => page.getByTestId('tg-main-button');
export const backButton = (page: Page) => page.getByTestId('tg-back-button');

/** Taps a day on the calendar, flipping months forward until the day is shown. */
export async function tapDay(page: Page, date: string) {
  const day = page.getByTestId(`day-${date}`);
  for (let i = 0; i < 4 && !(await day.isVisible()); i++) await page.getByTestId('calendar-next').click();
  await day.click();
}
