// Outside Telegram nobody draws the MainButton, the BackButton or the Stars invoice sheet. The mocked environment routes
// every Mini Apps method call here; `DevChrome` draws stand-ins from this state and answers with the events Telegram
// would send (`main_button_pressed`, `back_button_pressed`, `invoice_closed`). The app itself only ever talks to the SDK,
// so the same code runs inside Telegram and in Playwright.
import { emitEvent } from '@telegram-apps/sdk-react';

export interface DevMainButton {
  visible: boolean;
  active: boolean;
  text: string;
  progress: boolean;
  color: string | undefined;
  textColor: string | undefined;
}

export interface DevPopup {
  title: string;
  message: string;
  buttons: Array<{ id: string; type: string; text: string }>;
}

/** Colours the app asked Telegram to paint its own chrome with (header, web view background, bottom bar). */
export interface DevChromeColors {
  header: string | null;
  background: string | null;
  bottomBar: string | null;
}

export interface DevChromeState {
  mainButton: DevMainButton;
  backButton: boolean;
  settingsButton: boolean;
  /** The invoice Telegram would show, by slug. */
  invoice: string | null;
  /** The native popup Telegram would show (showConfirm and friends). */
  popup: DevPopup | null;
  colors: DevChromeColors;
}

let state: DevChromeState = {
  mainButton: { visible: false, active: true, text: '', progress: false, color: undefined, textColor: undefined },
  backButton: false,
  settingsButton: false,
  invoice: null,
  popup: null,
  colors: { header: null, background: null, bottomBar: null },
};
const listeners = new Set<() => void>();

/** Every haptic the app asked for, for tests (`window.__slotpilotHaptics`). */
const haptics: string[] = [];
/** Every link the app asked Telegram to open, for tests (`window.__slotpilotOpenedLinks`); nothing is opened here. */
const openedLinks: string[] = [];

function set(next: Partial<DevChromeState>): void {
  state = { ...state, ...next };
  for (const listener of listeners) listener();
}

export const devChrome = {
  get: (): DevChromeState => state,
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  pressMainButton(): void {
    if (state.mainButton.visible && state.mainButton.active && !state.mainButton.progress) emitEvent('main_button_pressed');
  },
  pressBackButton(): void {
    if (state.backButton) emitEvent('back_button_pressed');
  },
  pressSettingsButton(): void {
    if (state.settingsButton) emitEvent('settings_button_pressed');
  },
  closePopup(buttonId: string | undefined): void {
    if (state.popup === null) return;
    set({ popup: null });
    later(() => emitEvent('popup_closed', buttonId === undefined ? {} : { button_id: buttonId }));
  },
  closeInvoice(status: 'paid' | 'cancelled' | 'failed'): void {
    const slug = state.invoice;
    if (slug === null) return;
    set({ invoice: null });
    emitEvent('invoice_closed', { slug, status });
  },
};

type Params = Record<string, unknown> | undefined;

/** Answers a Mini Apps method call the way a Telegram client would. */
export function handleDevMethod(method: string, params: Params): void {
  switch (method) {
    case 'web_app_setup_main_button': {
      const p = params ?? {};
      const previous = state.mainButton;
      set({
        mainButton: {
          visible: typeof p.is_visible === 'boolean' ? p.is_visible : previous.visible,
          active: typeof p.is_active === 'boolean' ? p.is_active : previous.active,
          text: typeof p.text === 'string' ? p.text : previous.text,
          progress: typeof p.is_progress_visible === 'boolean' ? p.is_progress_visible : previous.progress,
          color: typeof p.color === 'string' ? p.color : previous.color,
          textColor: typeof p.text_color === 'string' ? p.text_color : previous.textColor,
        },
      });
      return;
    }
    case 'web_app_setup_back_button':
      set({ backButton: Boolean(params?.is_visible) });
      return;
    case 'web_app_setup_settings_button':
      set({ settingsButton: Boolean(params?.is_visible) });
      return;
    case 'web_app_set_header_color':
      set({ colors: { ...state.colors, header: String(params?.color ?? params?.color_key ?? '') } });
      return;
    case 'web_app_set_background_color':
      set({ colors: { ...state.colors, background: String(params?.color ?? '') } });
      return;
    case 'web_app_set_bottom_bar_color':
      set({ colors: { ...state.colors, bottomBar: String(params?.color ?? '') } });
      return;
    case 'web_app_open_popup': {
      const raw = Array.isArray(params?.buttons) ? (params.buttons as Array<Record<string, unknown>>) : [];
      set({
        popup: {
          title: typeof params?.title === 'string' ? params.title : '',
          message: typeof params?.message === 'string' ? params.message : '',
          buttons: raw.map((b) => ({ id: String(b.id ?? ''), type: String(b.type ?? 'default'), text: String(b.text ?? b.type ?? '') })),
        },
      });
      return;
    }
    case 'web_app_request_write_access':
      // Specs decide the user's answer through `window.__slotpilotWriteAccess` (allowed unless set).
      later(() => emitEvent('write_access_requested', { status: window.__slotpilotWriteAccess ?? 'allowed' }));
      return;
    case 'web_app_open_invoice':
      set({ invoice: typeof params?.slug === 'string' ? params.slug : null });
      return;
    case 'web_app_trigger_haptic_feedback':
      haptics.push(String(params?.notification_type ?? params?.impact_style ?? params?.type ?? 'unknown'));
      return;
    case 'web_app_open_link':
      if (typeof params?.url === 'string') openedLinks.push(params.url);
      return;
    case 'web_app_request_viewport':
      later(() =>
        emitEvent('viewport_changed', { height: window.innerHeight, width: window.innerWidth, is_expanded: true, is_state_stable: true }),
      );
      return;
    case 'web_app_request_safe_area':
      later(() => emitEvent('safe_area_changed', { top: 0, bottom: 0, left: 0, right: 0 }));
      return;
    case 'web_app_request_content_safe_area':
      later(() => emitEvent('content_safe_area_changed', { top: 0, bottom: 0, left: 0, right: 0 }));
      return;
  }
}

// Telegram answers asynchronously; answering inside the call would beat the SDK's own listener.
function later(fn: () => void): void {
  setTimeout(fn, 0);
}

declare global {
  interface Window {
    __slotpilotHaptics?: string[];
    __slotpilotOpenedLinks?: string[];
    __slotpilotWriteAccess?: 'allowed' | 'cancelled';
    __slotpilotChrome?: () => DevChromeState;
  }
}
window.__slotpilotHaptics = haptics;
window.__slotpilotOpenedLinks = openedLinks;
window.__slotpilotChrome = () => state;
