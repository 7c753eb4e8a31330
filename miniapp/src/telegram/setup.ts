// Start the Telegram SDK: theme and viewport bound to CSS variables, the buttons mounted, the app marked ready.
import {
  backButton,
  bindMiniAppCssVars,
  bindThemeParamsCssVars,
  bindViewportCssVars,
  expandViewport,
  init,
  mainButton,
  miniApp,
  miniAppReady,
  mountMiniAppSync,
  mountThemeParamsSync,
  mountViewport,
  retrieveLaunchParams,
  retrieveRawInitData,
  settingsButton,
  swipeBehavior,
  themeParams,
} from '@telegram-apps/sdk-react';
import { isInsideTelegram, mockTelegramForDevelopment } from './dev-environment.ts';

export interface TelegramSession {
  /** Raw init data, sent as `Authorization: tma <initData>` with every API call. */
  initData: string;
  /** The user's Telegram language, before the API confirms it. */
  languageCode: string | undefined;
  /** Outside Telegram: the app draws stand-ins for Telegram's own buttons. */
  mocked: boolean;
  /** The `startapp` parameter of the link that opened the app (a bot alert's "open the slot"), if any. */
  startParam: string | null;
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
    paintTelegramChrome();
  }
  followColorScheme();
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
  settingsButton.mount.ifAvailable();
  settingsButton.show.ifAvailable();
  // The screens scroll (long forms, the calendar): a downward swipe must scroll, not close the app.
  if (swipeBehavior.mount.isAvailable()) {
    swipeBehavior.mount();
    swipeBehavior.disableVertical.ifAvailable();
  }
  miniAppReady.ifAvailable();
  const initData = retrieveRawInitData() ?? '';
  const user = new URLSearchParams(initData).get('user');
  const languageCode = user ? (JSON.parse(user) as { language_code?: string }).language_code : undefined;
  return { initData, languageCode, mocked, startParam: startParam() };
}

/**
 * Telegram's header, the web view's background and the bottom bar (behind the MainButton) in the colours the page itself
 * uses: the page background is the theme's secondary background, the tab bar the bottom bar colour. Without this a dark
 * theme shows a light seam under the header and a flash at the bottom while the web view loads.
 */
function paintTelegramChrome(): void {
  miniApp.setHeaderColor.ifAvailable('secondary_bg_color');
  miniApp.setBackgroundColor.ifAvailable('secondary_bg_color');
  miniApp.setBottomBarColor.ifAvailable('bottom_bar_bg_color');
}

/** Native controls (checkboxes, scrollbars, date inputs) follow Telegram's theme, not the phone's system theme. */
function followColorScheme(): void {
  const apply = () => {
    const scheme = themeParams.isDark() ? 'dark' : 'light';
    document.documentElement.style.colorScheme = scheme;
    // Colours that cannot be derived from the theme (the calendar's scale) have a dark variant keyed on this.
    document.documentElement.dataset.theme = scheme;
  };
  apply();
  if (themeParams.isMounted()) themeParams.isDark.sub(apply);
}

function startParam(): string | null {
  try {
    return retrieveLaunchParams().tgWebAppStartParam ?? null;
  } catch {
    return null;
  }
}
