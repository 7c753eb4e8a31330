import type { Language } from '@slotpilot/shared';
import { createContext, type ReactNode, useCallback, useContext } from 'react';
import { type MessageKey, type PluralBase, translate, translatePlural } from './messages.ts';

const LanguageContext = createContext<Language>('ru');

export function LanguageProvider({ language, children }: { language: Language; children: ReactNode }) {
  return <LanguageContext.Provider value={language}>{children}</LanguageContext.Provider>;
}

export function useLanguage(): Language {
  return useContext(LanguageContext);
}

/** `t('app.greeting', { name })` in the user's language. */
export function useT() {
  const language = useLanguage();
  return useCallback((key: MessageKey, vars?: Record<string, string | number>) => translate(language, key, vars), [language]);
}

/** `tp('task.skipped', 2)` → "без 2 дней": plural forms by Intl.PluralRules. */
export function useTP() {
  const language = useLanguage();
  return useCallback(
    (base: PluralBase, count: number, vars?: Record<string, string | number>) => translatePlural(language, base, count, vars),
    [language],
  );
}
