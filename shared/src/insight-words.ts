// `insights.warehouse` figures as words, in Russian and English: the one line a seller reads where they choose a
// warehouse (the bot's /new; the same words as the Mini App's new-task form, miniapp/src/insights). Pure; nothing here
// rounds a figure into something the server did not say. Type-only imports: this module builds no zod schema, so a
// browser chunk can take it without zod (`@slotpilot/shared/insight-words`).
import type { InsightThreshold, ThresholdFigures, WarehouseInsights } from './insights.ts';
import type { Language } from './language.ts';

/**
 * The figures for the highest threshold in the answer not above the task's maximum (x10 is told as ≤ x5, and
 * labelled so), or undefined when the answer has none.
 */
export function figuresFor(thresholds: readonly ThresholdFigures[], maxCoefficient: number): ThresholdFigures | undefined {
  let picked: ThresholdFigures | undefined;
  for (const figures of thresholds)
    if (figures.threshold <= maxCoefficient && (!picked || figures.threshold > picked.threshold)) picked = figures;
  return picked;
}

/**
 * The shortest run of consecutive buckets (weekdays 1..7 wrapping Sunday→Monday, or hours 0..23 wrapping midnight)
 * holding more than half of all openings — "mostly" means a majority. Null when there are none, or when the run would be
 * longer than `longest` (spread out: saying "mostly" would be untrue).
 */
export function majorityWindow(counts: readonly number[], longest: number): { start: number; length: number } | null {
  const total = counts.reduce((sum, n) => sum + n, 0);
  if (total === 0) return null;
  const size = counts.length;
  for (let length = 1; length <= Math.min(longest, size); length++) {
    let best: { start: number; sum: number } | null = null;
    for (let start = 0; start < size; start++) {
      let sum = 0;
      for (let i = 0; i < length; i++) sum += counts[(start + i) % size] ?? 0;
      if (sum * 2 > total && (!best || sum > best.sum)) best = { start, sum };
    }
    if (best) return { start: best.start, length };
  }
  return null;
}

/** Openings per weekday (index 0 = Monday) and per Moscow hour (index 0 = 00:00). */
export function heatmapTotals(figures: ThresholdFigures): { weekdays: number[]; hours: number[] } {
  const weekdays = Array.from({ length: 7 }, () => 0);
  const hours = Array.from({ length: 24 }, () => 0);
  for (const cell of figures.heatmap) {
    weekdays[cell.weekday - 1] = (weekdays[cell.weekday - 1] ?? 0) + cell.openings;
    hours[cell.hour] = (hours[cell.hour] ?? 0) + cell.openings;
  }
  return { weekdays, hours };
}

const weekdayFormats = new Map<Language, Intl.DateTimeFormat>();

/** "вт" / "Tue" for weekday 1..7 (Monday first), as the language abbreviates it. */
export function weekdayName(language: Language, weekday: number): string {
  let format = weekdayFormats.get(language);
  if (!format) {
    format = new Intl.DateTimeFormat(language, { weekday: 'short', timeZone: 'UTC' });
    weekdayFormats.set(language, format);
  }
  // 2024-01-01 was a Monday.
  return format.format(Date.UTC(2024, 0, weekday));
}

/** "вт–чт 9:00–12:00": where most openings fell (either half may be missing; empty when neither holds a majority). */
export function peakWords(language: Language, figures: ThresholdFigures): string {
  const { weekdays, hours } = heatmapTotals(figures);
  const parts: string[] = [];
  const days = majorityWindow(weekdays, 4);
  if (days) {
    const first = weekdayName(language, days.start + 1);
    const last = weekdayName(language, ((days.start + days.length - 1) % 7) + 1);
    parts.push(days.length === 1 ? first : `${first}–${last}`);
  }
  const span = majorityWindow(hours, 6);
  if (span) parts.push(`${span.start}:00–${(span.start + span.length) % 24}:00`);
  return parts.join(' ');
}

/** "~40 с" / "~3 min": seconds under 90 s, minutes under 90 min, hours above, in the language's unit words. */
export function durationWords(language: Language, seconds: number): string {
  const [value, unit] =
    seconds < 90
      ? [Math.round(seconds), 'second']
      : seconds < 5_400
        ? [Math.round(seconds / 60), 'minute']
        : [Math.round(seconds / 3_600), 'hour'];
  return new Intl.NumberFormat(language, { style: 'unit', unit, unitDisplay: 'short' }).format(value);
}

/** 8.7 → "8,7" in Russian, "8.7" in English; whole numbers without a fraction. */
export function numberWords(language: Language, value: number, fractionDigits = 1): string {
  return new Intl.NumberFormat(language, { maximumFractionDigits: fractionDigits }).format(value);
}

/** "24 ноября" / "November 24" for a Moscow calendar day (YYYY-MM-DD), read as a date, not an instant. */
export function dayWords(language: Language, isoDay: string): string {
  return new Intl.DateTimeFormat(language, { day: 'numeric', month: 'long', timeZone: 'UTC' }).format(Date.parse(`${isoDay}T00:00:00Z`));
}

/** A message's plural forms (Russian: one/few/many/other, with `other` for fractions; English: one/other). */
type Plural = { other: string } & Partial<Record<Intl.LDMLPluralRule, string>>;
const pluralRules = new Map<Language, Intl.PluralRules>();
function plural(language: Language, forms: Plural, count: number): string {
  let rules = pluralRules.get(language);
  if (!rules) {
    rules = new Intl.PluralRules(language);
    pluralRules.set(language, rules);
  }
  const form = rules.select(count);
  return forms[form] ?? forms.other;
}

/** The words, per language: the Mini App's `insights.*` messages (miniapp/src/i18n/messages.ts), word for word. */
const WORDS = {
  ru: {
    slots: (threshold: number, count: string, n: number) =>
      plural(
        'ru',
        {
          one: `За 7 дней при ≤ x${threshold} здесь открылся бы ${count} слот`,
          few: `За 7 дней при ≤ x${threshold} здесь открылось бы ${count} слота`,
          many: `За 7 дней при ≤ x${threshold} здесь открылось бы ${count} слотов`,
          other: `За 7 дней при ≤ x${threshold} здесь открылось бы ${count} слота`,
        },
        n,
      ),
    none: (threshold: number) => `За 7 дней при ≤ x${threshold} здесь не открылось ни одного слота`,
    when: (when: string) => `чаще всего ${when} МСК`,
    lasted: (duration: string) => `держались ~${duration}`,
    observed: (count: string, n: number) =>
      plural(
        'ru',
        {
          one: `по ${count} дню наблюдений`,
          few: `по ${count} дням наблюдений`,
          many: `по ${count} дням наблюдений`,
          other: `по ${count} дня наблюдений`,
        },
        n,
      ),
    times: (threshold: number, count: string, n: number) =>
      plural(
        'ru',
        {
          one: `x${threshold} ловит здесь в ${count} раз чаще, чем x0.`,
          few: `x${threshold} ловит здесь в ${count} раза чаще, чем x0.`,
          many: `x${threshold} ловит здесь в ${count} раз чаще, чем x0.`,
          other: `x${threshold} ловит здесь в ${count} раза чаще, чем x0.`,
        },
        n,
      ),
    perDay: (threshold: number, count: string, n: number) =>
      plural(
        'ru',
        {
          one: `При ≤ x${threshold} слот здесь открывается в среднем ${count} раз в день.`,
          few: `При ≤ x${threshold} слот здесь открывается в среднем ${count} раза в день.`,
          many: `При ≤ x${threshold} слот здесь открывается в среднем ${count} раз в день.`,
          other: `При ≤ x${threshold} слот здесь открывается в среднем ${count} раза в день.`,
        },
        n,
      ),
    insufficient: (count: string, minimum: number, n: number) =>
      plural(
        'ru',
        {
          one: `Статистики пока нет: склад наблюдается ${count} день из ${minimum} нужных.`,
          few: `Статистики пока нет: склад наблюдается ${count} дня из ${minimum} нужных.`,
          many: `Статистики пока нет: склад наблюдается ${count} дней из ${minimum} нужных.`,
          other: `Статистики пока нет: склад наблюдается ${count} дня из ${minimum} нужных.`,
        },
        n,
      ),
  },
  en: {
    slots: (threshold: number, count: string, n: number) =>
      plural(
        'en',
        {
          one: `In the last 7 days at ≤ x${threshold} you would have had ${count} slot here`,
          other: `In the last 7 days at ≤ x${threshold} you would have had ${count} slots here`,
        },
        n,
      ),
    none: (threshold: number) => `In the last 7 days no slot opened here at ≤ x${threshold}`,
    when: (when: string) => `mostly ${when} Moscow time`,
    lasted: (duration: string) => `they lasted ~${duration}`,
    observed: (count: string, n: number) =>
      plural('en', { one: `from ${count} day of observation`, other: `from ${count} days of observation` }, n),
    times: (threshold: number, count: string, _n: number) => `x${threshold} catches ${count}× as often as x0 here.`,
    perDay: (threshold: number, count: string, n: number) =>
      plural(
        'en',
        {
          one: `At ≤ x${threshold} a slot opens here ${count} time a day on average.`,
          other: `At ≤ x${threshold} a slot opens here ${count} times a day on average.`,
        },
        n,
      ),
    insufficient: (count: string, minimum: number, n: number) =>
      plural(
        'en',
        {
          one: `No statistics yet: this warehouse has been watched for ${count} day of the ${minimum} needed.`,
          other: `No statistics yet: this warehouse has been watched for ${count} days of the ${minimum} needed.`,
        },
        n,
      ),
  },
} satisfies Record<Language, unknown>;

export interface InsightLineWords {
  /** What a task at this maximum would have caught, when, how long, on how many days; or how little was observed. */
  text: string;
  /** The threshold suggestion ("x1 catches 5× as often as x0 here."), or null. */
  suggestion: string | null;
}

/**
 * The form's line for an answer of `insights.warehouse` (7 days) and a task's maximum coefficient. Below the minimum
 * observation it says how much there is and nothing else: no figure rests on less than `observation.minimumDays`.
 */
export function insightLine(language: Language, insights: WarehouseInsights, maxCoefficient: number): InsightLineWords {
  const w = WORDS[language];
  const observed = insights.observation.days;
  const count = numberWords(language, observed);
  if (insights.status === 'insufficient')
    return { text: w.insufficient(count, insights.observation.minimumDays, observed), suggestion: null };
  const figures = figuresFor(insights.thresholds, maxCoefficient);
  const threshold: InsightThreshold | number = figures?.threshold ?? maxCoefficient;
  const basis = w.observed(count, observed);
  let text: string;
  if (!figures || figures.openings === 0) text = `${w.none(threshold)} (${basis}).`;
  else {
    const parts = [w.slots(threshold, String(figures.openings), figures.openings)];
    const when = peakWords(language, figures);
    if (when) parts.push(w.when(when));
    if (figures.medianOpenSeconds !== null) parts.push(w.lasted(durationWords(language, figures.medianOpenSeconds)));
    text = `${parts.join(', ')} (${basis}).`;
  }
  const s = insights.suggestion;
  const suggestion = !s
    ? null
    : s.timesX0 !== null
      ? w.times(s.threshold, numberWords(language, s.timesX0), s.timesX0)
      : w.perDay(s.threshold, numberWords(language, s.perDay), s.perDay);
  return { text, suggestion };
}
