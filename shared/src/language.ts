// The product speaks Russian by default and English to users whose Telegram language is English.
export const LANGUAGES = ['ru', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Map Telegram's `language_code` (IETF tag) or an Accept-Language value to a language we speak. */
export function resolveLanguage(code: string | null | undefined): Language {
  return code?.trim().toLowerCase().startsWith('en') ? 'en' : 'ru';
}
