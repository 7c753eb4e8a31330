// Outside Telegram (a desktop browser, Playwright) the Mini App runs in a mocked Telegram environment, signed in through the
// server's development login. Query parameters pick the user and theme: ?devUserId=7&devFirstName=Ann&lang=en&theme=dark
import { mockTelegramEnv } from '@telegram-apps/sdk-react';
import { handleDevMethod } from './dev-chrome-store.ts';

const LIGHT = {
  bg_color: '#ffffff',
  secondary_bg_color: '#f1f1f4',
  section_bg_color: '#ffffff',
  text_color: '#000000',
  hint_color: '#8e8e93',
  subtitle_text_color: '#8e8e93',
  link_color: '#2481cc',
  accent_text_color: '#2481cc',
  button_color: '#2481cc',
  button_text_color: '#ffffff',
  destructive_text_color: '#e53935',
  header_bg_color: '#ffffff',
  bottom_bar_bg_color: '#ffffff',
  section_header_text_color: '#6d6d72',
  section_separator_color: '#e7e7e7',
} as const;

const DARK = {
  bg_color: '#17212b',
  secondary_bg_color: '#0e1621',
  section_bg_color: '#17212b',
  text_color: '#f5f5f5',
  hint_color: '#708499',
  subtitle_text_color: '#708499',
  link_color: '#6ab3f3',
  accent_text_color: '#6ab2f2',
  button_color: '#5288c1',
  button_text_color: '#ffffff',
  destructive_text_color: '#ec3942',
  header_bg_color: '#17212b',
  bottom_bar_bg_color: '#17212b',
  section_header_text_color: '#6ab3f3',
  section_separator_color: '#111921',
} as const;

/** True inside a real Telegram client (mobile webview, desktop, or the web version's iframe). */
export function isInsideTelegram(): boolean {
  return location.hash.includes('tgWebAppData') || 'TelegramWebviewProxy' in window || window.parent !== window;
}

export class DevLoginUnavailableError extends Error {
  constructor() {
    super('Development login is not available on this server');
    this.name = 'DevLoginUnavailableError';
  }
}

export async function mockTelegramForDevelopment(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const query = new URLSearchParams();
  for (const [from, to] of [
    ['devUserId', 'userId'],
    ['devFirstName', 'firstName'],
    ['devUsername', 'username'],
    ['lang', 'languageCode'],
  ] as const) {
    const value = params.get(from);
    if (value) query.set(to, value);
  }
  const response = await fetch(`/dev/init-data?${query}`, { cache: 'no-store' });
  if (!response.ok) throw new DevLoginUnavailableError();
  const initData = await response.text();
  const dark = params.get('theme') ? params.get('theme') === 'dark' : matchMedia('(prefers-color-scheme: dark)').matches;
  mockTelegramEnv({
    launchParams: {
      tgWebAppThemeParams: dark ? DARK : LIGHT,
      tgWebAppData: initData,
      tgWebAppVersion: '8.0',
      tgWebAppPlatform: 'tdesktop',
      // ?startapp=found_<task id>: what a bot alert's link (t.me/<bot>/app?startapp=…) hands the app inside Telegram.
      ...(params.get('startapp') ? { tgWebAppStartParam: params.get('startapp') ?? '' } : {}),
    },
    // Method calls (MainButton, BackButton, invoices, haptics, viewport requests) go to the stand-in Telegram chrome.
    onEvent: ([method, params]) => handleDevMethod(method, params as Record<string, unknown> | undefined),
    resetPostMessage: true,
  });
}
