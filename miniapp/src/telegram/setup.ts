// Start the Telegram SDK: theme and viewport bound to CSS variables, the buttons mounted, the app marked ready.
import {
  backButton,
  bindMiniAppCssVars,
  bindThemeParamsCssVars,
  bindViewportCssVars,
  expandViewport,
  init,
  mainButton,
  miniAppReady,
  mountMiniAppSync,
  mountThemeParamsSync,
  mountViewport,
  retrieveRawInitData,
  swipeBehavior,
} from '@telegram-apps/sdk-react';
import { isInsideTelegram, mockTelegramForDevelopment } from './dev-environment.ts';

export interface TelegramSession {
  /** Raw init data, sent as `Authorization: tma <initData>` with every API call. */
  initData: string;
  /** The user's Telegram language, before the API confirms it. */
  languageCode: string | undefined;
  /** Outside Telegram: the app draws stand-ins for Telegram's own buttons. */
  mocked: boolean;
}

export async function setupTelegram(): Promise<TelegramSession> {
  const mocked = !isInsideTelegram();
  if (mocked) await mockTelegramForDevelopment();
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
    void mountViewport()
      .then(() => {
        bindViewportCssVars();
        expandViewport.ifAvailable();
      })
      .catch(() => undefined);
  }
  backButton.mount.ifAvailable();
  mainButton.mount.ifAvailable();
  // The screens scroll (long forms, the calendar): a downward swipe must scroll, not close the app.
  if (swipeBehavior.mount.isAvailable()) {
    swipeBehavior.mount();
    swipeBehavior.disableVertical.ifAvailable();
  }
  miniAppReady.ifAvailable();
  const initData = retrieveRawInitData() ?? '';
  const user = new URLSearchParams(initData).get('user');
  const languageCode = user ? (JSON.parse(user) as { language_code?: string }).language_code : undefined;
  return { initData, languageCode, mocked };
}
