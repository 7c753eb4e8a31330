// Every text of the Mini App, in Russian (default) and English.
import type { Language } from '@slotpilot/shared';

const ru = {
  'app.loading': 'Загрузка…',
  'app.greeting': 'Привет, {name}!',
  'app.tagline': 'SlotPilot ловит слоты поставки на склады Wildberries, пока вы заняты делом.',
  'credits.title': 'Бронирования',
  'credits.trial': 'Бесплатных: {count}',
  'credits.paid': 'Оплаченных: {count}',
  'error.title': 'Не получилось',
  'error.retry': 'Повторить',
  'error.openInTelegram': 'Откройте SlotPilot из Telegram: вне Telegram вход недоступен на этом сервере.',
  'error.network': 'Нет связи с сервером. Проверьте интернет и попробуйте снова.',
} as const;

export type MessageKey = keyof typeof ru;

const en: Record<MessageKey, string> = {
  'app.loading': 'Loading…',
  'app.greeting': 'Hello, {name}!',
  'app.tagline': 'SlotPilot catches Wildberries supply slots while you get on with your business.',
  'credits.title': 'Bookings',
  'credits.trial': 'Free: {count}',
  'credits.paid': 'Paid: {count}',
  'error.title': 'Something went wrong',
  'error.retry': 'Try again',
  'error.openInTelegram': 'Open SlotPilot from Telegram: this server does not allow signing in outside Telegram.',
  'error.network': 'Cannot reach the server. Check your connection and try again.',
};

export const MESSAGES: Record<Language, Record<MessageKey, string>> = { ru, en };

export function translate(language: Language, key: MessageKey, vars?: Record<string, string | number>): string {
  const template = MESSAGES[language][key];
  return vars ? template.replace(/\{(\w+)\}/g, (match, name: string) => String(vars[name] ?? match)) : template;
}
