// Moscow calendar days as `YYYY-MM-DD` strings, the way WB and our API write them. Pure and dependency-free: the Mini App
// must not ship date-fns and a time-zone database for what Intl and UTC arithmetic already do.

/** A calendar day, `YYYY-MM-DD`. */
export type IsoDate = string;
/** A calendar month, `YYYY-MM`. */
export type IsoMonth = string;

export const MOSCOW_TIME_ZONE = 'Europe/Moscow';

const moscowParts = new Intl.DateTimeFormat('en-US', {
  timeZone: MOSCOW_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** Today's date in Moscow at `now`, whatever the device's own time zone. */
export function moscowToday(now: number = Date.now()): IsoDate {
  const parts = Object.fromEntries(moscowParts.formatToParts(now).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

function toUtc(date: IsoDate): Date {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1));
}

function fromUtc(date: Date): IsoDate {
  return date.toISOString().slice(0, 10);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  const d = toUtc(date);
  d.setUTCDate(d.getUTCDate() + days);
  return fromUtc(d);
}

/** Whole days from `from` to `to`; negative when `to` is earlier. */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((toUtc(to).getTime() - toUtc(from).getTime()) / 86_400_000);
}

/** Every date from `from` to `to`, both included; empty when `to` is before `from`. */
export function datesBetween(from: IsoDate, to: IsoDate): IsoDate[] {
  const count = daysBetween(from, to);
  return Array.from({ length: Math.max(0, count + 1) }, (_, i) => addDays(from, i));
}

export function monthOf(date: IsoDate): IsoMonth {
  return date.slice(0, 7);
}

export function addMonths(month: IsoMonth, months: number): IsoMonth {
  const [y, m] = month.split('-').map(Number);
  return fromUtc(new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1 + months, 1))).slice(0, 7);
}

/** Monday = 0 … Sunday = 6 (weeks start on Monday in Russia). */
export function weekdayOf(date: IsoDate): number {
  return (toUtc(date).getUTCDay() + 6) % 7;
}

export const GRID_CELLS = 42;

/**
 * The month as a fixed 6×7 grid starting on Monday; cells outside the month are null. Always 42 cells, so flipping
 * months never changes the calendar's height.
 */
export function monthGrid(month: IsoMonth): Array<IsoDate | null> {
  const first = `${month}-01`;
  const lead = weekdayOf(first);
  const length = daysBetween(first, `${addMonths(month, 1)}-01`);
  return Array.from({ length: GRID_CELLS }, (_, i) => {
    const day = i - lead;
    return day >= 0 && day < length ? addDays(first, day) : null;
  });
}

export function isIsoDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && fromUtc(toUtc(value)) === value;
}

// Display. Dates are calendar days, so they are formatted in UTC, where `toUtc` put them: no device offset can shift them.
const formats = new Map<string, Intl.DateTimeFormat>();
function formatter(language: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${language}|${JSON.stringify(options)}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(language, options);
    formats.set(key, f);
  }
  return f;
}

/** "1 дек." / "Dec 1" */
export function formatDay(date: IsoDate, language: string): string {
  return formatter(language, { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(toUtc(date));
}

/** "пн, 1 дек." / "Tue, Dec 1" */
export function formatDayWithWeekday(date: IsoDate, language: string): string {
  return formatter(language, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' }).format(toUtc(date));
}

/** "Декабрь 2026" / "December 2026" */
export function formatMonth(month: IsoMonth, language: string): string {
  const date = toUtc(`${month}-01`);
  const name = formatter(language, { month: 'long', timeZone: 'UTC' }).format(date);
  return `${name.charAt(0).toUpperCase()}${name.slice(1)} ${date.getUTCFullYear()}`;
}

/** Short weekday names, Monday first. */
export function weekdayNames(language: string): string[] {
  // 2024-01-01 was a Monday.
  return Array.from({ length: 7 }, (_, i) =>
    formatter(language, { weekday: 'short', timeZone: 'UTC' }).format(toUtc(addDays('2024-01-01', i))),
  );
}

/** A moment (epoch ms) as Moscow wall-clock time: "14:05:09". */
export function formatMoscowTime(at: number, language: string): string {
  return formatter(language, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false, timeZone: MOSCOW_TIME_ZONE }).format(
    at,
  );
}

/** A moment as a Moscow date and time: "1 дек., 14:05". */
export function formatMoscowDateTime(at: number | string, language: string): string {
  return formatter(language, {
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZone: MOSCOW_TIME_ZONE,
  }).format(typeof at === 'string' ? Date.parse(at) : at);
}
