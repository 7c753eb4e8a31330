// Validation problems in the user's language, naming the field: what the API sends instead of zod's English JSON.
// Also the text rules every free-text name shares (no control, bidi or broken Unicode characters).
import { z } from 'zod';
import { daysFrom, IsoDate } from './calendar.ts';
import type { Language } from './language.ts';

/** A refinement's message in both languages: zod keeps the English one, `params.ru` carries the Russian one. */
export function bilingual(en: string, ru: string): { error: string; params: { ru: string } } {
  return { error: en, params: { ru } };
}

// C0/C1 controls (tab and newline included: names are one line), DEL, bidi embeddings/overrides/isolates and marks
// (they make a name display as something else), the BOM/zero-width no-break space and U+FFFE/U+FFFF non-characters.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this pattern's job.
const FORBIDDEN_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]/;
/** A high surrogate not followed by a low one, or a low one not preceded by a high one (String#isWellFormed is ES2024). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Whether `text` is safe to store and show: well-formed UTF-16 (no lone surrogates, which PostgreSQL's jsonb refuses)
 * and none of the characters above.
 */
export function isSafeText(text: string): boolean {
  return !LONE_SURROGATE.test(text) && !FORBIDDEN_CHARACTERS.test(text);
}

/** A one-line name a person types: trimmed, 1..max characters, no control, bidi or broken characters. */
export function safeName(max: number) {
  return z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine(
      isSafeText,
      bilingual(
        'must not contain control characters, text-direction marks or broken Unicode characters',
        'не должно содержать управляющих символов, меток направления текста и повреждённых символов Юникода',
      ),
    );
}

const FIELD_NAMES: Record<string, { ru: string; en: string }> = {
  kind: { ru: 'Вид', en: 'kind' },
  name: { ru: 'Название', en: 'name' },
  secret: { ru: 'Ключ', en: 'key' },
  shareFeed: { ru: 'Делиться лимитом', en: 'share feed' },
  mode: { ru: 'Режим', en: 'mode' },
  warehouseIds: { ru: 'Склады', en: 'warehouses' },
  boxTypeId: { ru: 'Тип упаковки', en: 'box type' },
  dateFrom: { ru: 'Дата начала', en: 'start date' },
  dateTo: { ru: 'Дата окончания', en: 'end date' },
  skipDates: { ru: 'Пропускаемые даты', en: 'skipped dates' },
  maxCoefficient: { ru: 'Максимальный коэффициент', en: 'maximum coefficient' },
  preorderId: { ru: 'Предзаказ', en: 'preorder' },
  keepWatching: { ru: 'Продолжать следить', en: 'keep watching' },
  nmId: { ru: 'Артикул WB', en: 'WB article' },
  nmIds: { ru: 'Артикулы WB', en: 'WB articles' },
  chrtId: { ru: 'Размер', en: 'size' },
  sizeName: { ru: 'Название размера', en: 'size name' },
  srcWarehouseId: { ru: 'Склад-отправитель', en: 'source warehouse' },
  dstWarehouseId: { ru: 'Склад-получатель', en: 'destination warehouse' },
  units: { ru: 'Количество', en: 'quantity' },
  id: { ru: 'Идентификатор', en: 'id' },
  taskId: { ru: 'Задача', en: 'task' },
  packId: { ru: 'Пакет', en: 'pack' },
  chargeId: { ru: 'Платёж', en: 'payment' },
  lastEventId: { ru: 'Последнее событие', en: 'last event' },
  includeDone: { ru: 'Показывать завершённые', en: 'include finished' },
};

const TYPE_NAMES: Record<string, { ru: string; en: string }> = {
  string: { ru: 'текст', en: 'text' },
  number: { ru: 'число', en: 'a number' },
  int: { ru: 'целое число', en: 'a whole number' },
  boolean: { ru: 'да или нет', en: 'true or false' },
  array: { ru: 'список', en: 'a list' },
  object: { ru: 'объект', en: 'an object' },
};

type Issue = z.core.$ZodIssue;

/** The field an issue is about, as people call it: `Склады`, `warehouses`, or `warehouses[3]` for an item. */
export function fieldLabel(path: readonly PropertyKey[], language: Language): string {
  const named = [...path].reverse().find((key): key is string => typeof key === 'string');
  const label = named ? (FIELD_NAMES[named]?.[language] ?? named) : language === 'ru' ? 'запрос' : 'request';
  const index = path.at(-1);
  return typeof index === 'number' ? `${label} [${index + 1}]` : label;
}

const limit = (value: number | bigint) => String(value);

/** What is wrong, in words, without the field. */
export function issueText(issue: Issue, language: Language): string {
  const ru = language === 'ru';
  switch (issue.code) {
    case 'custom': {
      const translated = (issue.params as { ru?: unknown } | undefined)?.ru;
      return ru && typeof translated === 'string' ? translated : issue.message;
    }
    case 'invalid_type': {
      const type = TYPE_NAMES[issue.expected];
      if (!type) return ru ? 'неверный тип значения' : 'has the wrong type';
      return ru ? `нужно значение типа «${type.ru}»` : `must be ${type.en}`;
    }
    case 'too_big': {
      const max = limit(issue.maximum);
      if (issue.origin === 'string') return ru ? `не длиннее ${max} символов` : `at most ${max} characters`;
      if (issue.origin === 'array' || issue.origin === 'set') return ru ? `не больше ${max} элементов` : `at most ${max} items`;
      if (issue.inclusive === false) return ru ? `меньше ${max}` : `less than ${max}`;
      return ru ? `не больше ${max}` : `at most ${max}`;
    }
    case 'too_small': {
      const min = limit(issue.minimum);
      if (issue.origin === 'string')
        return min === '1'
          ? ru
            ? 'не может быть пустым'
            : 'must not be empty'
          : ru
            ? `не короче ${min} символов`
            : `at least ${min} characters`;
      if (issue.origin === 'array' || issue.origin === 'set')
        return min === '1'
          ? ru
            ? 'выберите хотя бы один'
            : 'choose at least one'
          : ru
            ? `не меньше ${min} элементов`
            : `at least ${min} items`;
      if (issue.inclusive === false) return ru ? `больше ${min}` : `more than ${min}`;
      return ru ? `не меньше ${min}` : `at least ${min}`;
    }
    case 'invalid_format':
      return ru ? 'неверный формат' : 'has the wrong format';
    case 'invalid_value': {
      const values = issue.values.slice(0, 10).map(String).join(', ');
      return ru ? `допустимые значения: ${values}` : `must be one of: ${values}`;
    }
    case 'unrecognized_keys': {
      const keys = issue.keys.slice(0, 5).join(', ');
      return ru ? `лишние поля: ${keys}` : `unknown fields: ${keys}`;
    }
    case 'not_multiple_of':
      return ru ? `должно быть кратно ${String(issue.divisor)}` : `must be a multiple of ${String(issue.divisor)}`;
    default:
      return ru ? 'недопустимое значение' : 'is not a valid value';
  }
}

export interface LocalizedIssue {
  /** Dotted path as the client sent it, e.g. `warehouseIds.3`. */
  path: string;
  /** `Поле «Склады»: не больше 10 элементов` / `Field "warehouses": at most 10 items`. */
  message: string;
}

export function localizeIssue(issue: Issue, language: Language): LocalizedIssue {
  const field = fieldLabel(issue.path, language);
  const text = issueText(issue, language);
  return {
    path: issue.path.map(String).join('.'),
    message: language === 'ru' ? `Поле «${field}»: ${text}` : `Field "${field}": ${text}`,
  };
}

/** The one-line message for a failed validation: the first problem, and how many more there are. */
export function validationMessage(issues: readonly Issue[], language: Language): string {
  const first = issues[0];
  if (!first) return language === 'ru' ? 'Запрос содержит ошибку.' : 'The request contains a mistake.';
  const { message } = localizeIssue(first, language);
  const more = issues.length - 1;
  if (more <= 0) return `${message}.`;
  return language === 'ru' ? `${message} (и ещё ошибок: ${more}).` : `${message} (and ${more} more).`;
}

/** Earliest and latest dates any input may name: far wider than WB's horizon, narrow enough that a range is cheap. */
export const EARLIEST_INPUT_DATE = '2024-01-01';
export const LATEST_INPUT_DATE = '2099-12-31';

/** A `YYYY-MM-DD` date within [EARLIEST_INPUT_DATE, LATEST_INPUT_DATE]. */
export const InputDate = IsoDate.refine(
  (date) => date >= EARLIEST_INPUT_DATE && date <= LATEST_INPUT_DATE,
  bilingual(
    `must be between ${EARLIEST_INPUT_DATE} and ${LATEST_INPUT_DATE}`,
    `должна быть между ${EARLIEST_INPUT_DATE} и ${LATEST_INPUT_DATE}`,
  ),
);

/** Days from `from` to `to`, both included (cheap: the dates are already valid). */
export function daysInRange(from: string, to: string): number {
  return daysFrom(from, to) + 1;
}
