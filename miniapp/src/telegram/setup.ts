// Start the Telegram SDK: theme and viewport bound to CSS variables, the app marked ready.
import {
  bindMiniAppCssVars,
  bindThemeParamsCssVars,
  bindViewportCssVars,
  init,
  miniAppReady,
  mountMiniAppSync,
  mountThemeParamsSync,
  mountViewport,
  retrieveRawInitData,
} from '@telegram-apps/sdk-react';
import { isInsideTelegram, mockTelegramForDevelopment } from './dev-environment.ts';

export interface TelegramSession {
  /** Raw init data, sent as `Authorization: tma <initData>` with every API call. */
  initData: string;
  /** The user's Telegram language, before the API confirms it. */
  languageCode: string | undefined;
}

export async function setupTelegram(): Promise<TelegramSession> {
  if (!isInsideTelegram()) await mockTelegramForDevelopment();
  init();
  if (mountThemeParamsSync.isAvailable()) {
    mountThemeParamsSync();
    bindThemeParamsCssVars();
  }
  if (mountMiniAppSync.isAvailable()) {
    mountMiniAppSync();
    bindMiniAppCssVars();
  }
  if (mountViewport.isAvailable()) {
    // The viewport mounts asynchronously; the page renders meanwhile with safe defaults.
    void mountViewport().then(() => bindViewportCssVars());
  }
  miniAppReady.ifAvailable();
  const initData = retrieveRawInitData() ?? '';
  const user = new URLSearchParams(initData).get('user');
  const languageCode = user ? (JSON.parse(user) as { language_code?: string }).language_code : undefined;
  return { initData, languageCode };
}
