// Every inline button's callback data, printed and parsed in one place. Anything that does not parse here is stale or
// forged, and gets a polite answer instead of an exception. Telegram allows at most 64 bytes.
import { BOX_TYPES, isIsoDate, MAX_COEFFICIENT } from '@slotpilot/shared';

export const CALENDAR_ACTIONS = ['pick', 'nav', 'noop', 'done', 'clear'] as const;
export type CalendarAction = (typeof CALENDAR_ACTIONS)[number];
/** `cancel` asks first; `cancelok` is the confirmation's "yes". */
export const TASK_ACTIONS = ['pause', 'resume', 'cancel', 'cancelok'] as const;
/** `del` asks first; `delok` is the confirmation's "yes". */
export const KEY_ACTIONS = ['del', 'delok'] as const;
export type KeyAction = (typeof KEY_ACTIONS)[number];
export type TaskAction = (typeof TASK_ACTIONS)[number];

export type CallbackData =
  /** The /new calendar: `cal:{action}:{year}:{month}:{day}` (day 0 when the action is about a month). */
  | { type: 'calendar'; action: CalendarAction; year: number; month: number; day: number }
  | { type: 'warehouse'; warehouseId: number }
  | { type: 'warehouse-page'; page: number }
  | { type: 'box'; boxTypeId: 2 | 5 | 6 }
  | { type: 'coefficient'; value: number }
  | { type: 'new-back' }
  | { type: 'new-cancel' }
  /** At the box step: go back to the warehouse list to add another warehouse to the same task. */
  | { type: 'new-add' }
  | { type: 'task'; action: TaskAction; taskId: string }
  | { type: 'tasks-refresh' }
  | { type: 'key'; action: KeyAction; keyId: string }
  | { type: 'keys-list' }
  /** /language: a language, or `auto` to follow the Telegram profile again. */
  | { type: 'language'; language: 'ru' | 'en' | 'auto' }
  | { type: 'buy'; packId: string };

const BOX_IDS = new Set<number>(Object.values(BOX_TYPES));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const callbackData = {
  calendar: (action: CalendarAction, year: number, month: number, day = 0) => `cal:${action}:${year}:${month}:${day}`,
  warehouse: (id: number) => `wh:pick:${id}`,
  warehousePage: (page: number) => `wh:page:${page}`,
  box: (id: number) => `box:${id}`,
  coefficient: (value: number) => `coef:${value}`,
  newBack: () => 'new:back',
  newCancel: () => 'new:cancel',
  newAdd: () => 'new:add',
  task: (action: TaskAction, taskId: string) => `tsk:${action}:${taskId}`,
  tasksRefresh: () => 'tsk:list',
  key: (action: KeyAction, keyId: string) => `key:${action}:${keyId}`,
  keysList: () => 'key:list',
  language: (language: 'ru' | 'en' | 'auto') => `lang:${language}`,
  buy: (packId: string) => `buy:${packId}`,
};

export function parseCallbackData(raw: string | undefined): CallbackData | undefined {
  if (!raw || raw.length > 64) return undefined;
  const parts = raw.split(':');
  const int = (value: string | undefined, max: number) =>
    value !== undefined && /^\d{1,9}$/.test(value) && Number(value) <= max ? Number(value) : undefined;
  switch (parts[0]) {
    case 'cal': {
      if (parts.length !== 5) return undefined;
      const action = CALENDAR_ACTIONS.find((a) => a === parts[1]);
      const year = int(parts[2], 9999);
      const month = int(parts[3], 12);
      const day = int(parts[4], 31);
      if (!action || year === undefined || year < 2000 || !month || day === undefined) return undefined;
      if (action === 'pick' && !isIsoDate(isoDate(year, month, day))) return undefined;
      return { type: 'calendar', action, year, month, day };
    }
    case 'wh': {
      const value = int(parts[2], 2 ** 31);
      if (parts.length !== 3 || value === undefined) return undefined;
      if (parts[1] === 'pick' && value > 0) return { type: 'warehouse', warehouseId: value };
      if (parts[1] === 'page') return { type: 'warehouse-page', page: value };
      return undefined;
    }
    case 'box': {
      const id = int(parts[1], 100);
      return parts.length === 2 && id !== undefined && BOX_IDS.has(id) ? { type: 'box', boxTypeId: id as 2 | 5 | 6 } : undefined;
    }
    case 'coef': {
      const value = int(parts[1], MAX_COEFFICIENT);
      return parts.length === 2 && value !== undefined ? { type: 'coefficient', value } : undefined;
    }
    case 'new':
      if (raw === 'new:cancel') return { type: 'new-cancel' };
      if (raw === 'new:back') return { type: 'new-back' };
      if (raw === 'new:add') return { type: 'new-add' };
      return undefined;
    case 'tsk': {
      if (raw === 'tsk:list') return { type: 'tasks-refresh' };
      const action = TASK_ACTIONS.find((a) => a === parts[1]);
      return parts.length === 3 && action && UUID.test(parts[2] ?? '') ? { type: 'task', action, taskId: parts[2]! } : undefined;
    }
    case 'key': {
      if (raw === 'key:list') return { type: 'keys-list' };
      const action = KEY_ACTIONS.find((a) => a === parts[1]);
      return parts.length === 3 && action && UUID.test(parts[2] ?? '') ? { type: 'key', action, keyId: parts[2]! } : undefined;
    }
    case 'lang': {
      const language = (['ru', 'en', 'auto'] as const).find((l) => l === parts[1]);
      return parts.length === 2 && language ? { type: 'language', language } : undefined;
    }
    case 'buy':
      return parts.length === 2 && /^[a-z0-9-]{1,32}$/.test(parts[1] ?? '') ? { type: 'buy', packId: parts[1]! } : undefined;
    default:
      return undefined;
  }
}

export function isoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
