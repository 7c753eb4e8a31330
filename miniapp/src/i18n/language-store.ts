// The language the seller chose in Settings, kept on this device (localStorage) and on the server (`me.setLanguage`, shared
// with the bot's /language), over their Telegram profile's language. The bot and its alerts follow the choice; the API's
// own error texts stay in the profile's language, so `serverLanguage` lets the app tell them apart.
import { LANGUAGES, type Language } from '@slotpilot/shared';
import { useSyncExternalStore } from 'react';

const STORAGE_KEY = 'slotpilot.language';
const listeners = new Set<() => void>();
let profile: Language = 'ru';
let chosen: Language | null = read();

function read(): Language | null {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return LANGUAGES.find((l) => l === value) ?? null;
  } catch {
    // Storage may be off (private mode, a locked-down webview): the profile's language then.
    return null;
  }
}

/** Called once at start with the Telegram profile's language (the one the server answers in). */
export function setProfileLanguage(language: Language): void {
  profile = language;
}

/** The language the server writes its messages in (the Telegram profile's). */
export function serverLanguage(): Language {
  return profile;
}

export function currentLanguage(): Language {
  return chosen ?? profile;
}

/** The seller's explicit choice, or null to follow Telegram again. */
export function chooseLanguage(language: Language | null): void {
  chosen = language;
  try {
    if (language) localStorage.setItem(STORAGE_KEY, language);
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Not persisted: the choice still holds for this session.
  }
  document.documentElement.lang = currentLanguage();
  for (const listener of listeners) listener();
}

export function chosenLanguage(): Language | null {
  return chosen;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useCurrentLanguage(): Language {
  return useSyncExternalStore(subscribe, currentLanguage);
}

export function useChosenLanguage(): Language | null {
  return useSyncExternalStore(subscribe, chosenLanguage);
}
