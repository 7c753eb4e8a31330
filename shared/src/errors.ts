// Stable error codes with a message per language. The server answers with the code and the message in the
// user's language; the Mini App and the bot can render the same catalogue for codes they know.
import type { Language } from './language.ts';

export const ERROR_MESSAGES = {
  AUTH_MISSING: {
    ru: 'Нет данных входа Telegram. Откройте SlotPilot из Telegram.',
    en: 'No Telegram login data. Open SlotPilot from Telegram.',
  },
  AUTH_INVALID: {
    ru: 'Данные входа Telegram не прошли проверку подписи. Закройте и снова откройте SlotPilot из Telegram.',
    en: 'The Telegram login data failed the signature check. Close SlotPilot and open it again from Telegram.',
  },
  AUTH_EXPIRED: {
    ru: 'Сессия Telegram устарела (старше 24 часов). Закройте и снова откройте SlotPilot.',
    en: 'The Telegram session has expired (older than 24 hours). Close SlotPilot and open it again.',
  },
  FORBIDDEN: {
    ru: 'Это действие доступно только администраторам SlotPilot.',
    en: 'Only SlotPilot administrators can do this.',
  },
  BAD_INPUT: {
    ru: 'Запрос содержит ошибку. Проверьте введённые данные и попробуйте снова.',
    en: 'The request contains a mistake. Check what you entered and try again.',
  },
  NOT_FOUND: {
    ru: 'Не найдено. Возможно, это уже удалено.',
    en: 'Not found. It may have been removed already.',
  },
  INTERNAL: {
    ru: 'Что-то пошло не так на нашей стороне. Попробуйте ещё раз через минуту.',
    en: 'Something went wrong on our side. Try again in a minute.',
  },
} as const satisfies Record<string, Record<Language, string>>;

export type ErrorCode = keyof typeof ERROR_MESSAGES;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_MESSAGES, value);
}

export function errorMessage(code: ErrorCode, language: Language): string {
  return ERROR_MESSAGES[code][language];
}
