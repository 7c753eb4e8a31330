// Pure helpers that turn `insights.warehouse` figures into words: which threshold speaks for the form's maximum, when
// openings mostly happened (a window holding more than half of them, or nothing), and how long one lasted. Tested
// without a browser; nothing here rounds a figure into something the server did not say.
// Types only from @slotpilot/shared here: its insights module builds zod schemas at load, which would drag zod into the
// form's chunk. The thresholds themselves come with each answer.
import type { Language, ThresholdFigures } from '@slotpilot/shared';

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
