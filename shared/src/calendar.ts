// Moscow calendar dates (WB's dates are Europe/Moscow days) as `YYYY-MM-DD` strings: pure, no I/O.
import { TZDate } from '@date-fns/tz';
// Deep imports: the date-fns index costs about a second to load in Node.
import { addDays as addDaysTo } from 'date-fns/addDays';
import { differenceInCalendarDays } from 'date-fns/differenceInCalendarDays';
import { format } from 'date-fns/format';
import { parse } from 'date-fns/parse';
import { z } from 'zod';

export const MOSCOW_TIME_ZONE = 'Europe/Moscow';
/** WB publishes coefficients this many days ahead, today included. */
export const WB_HORIZON_DAYS = 14;

const PATTERN = 'yyyy-MM-dd';

function toMoscow(date: string): TZDate {
  return new TZDate(parse(date, PATTERN, TZDate.tz(MOSCOW_TIME_ZONE)), MOSCOW_TIME_ZONE);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A real calendar date written as YYYY-MM-DD. Plain arithmetic rather than two date-fns parses: it runs for every date
 * of every task restored (10,000 tasks taken over: 5 % of the takeover's CPU went here).
 */
export function isIsoDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export const IsoDate = z.string().refine(isIsoDate, { error: 'must be a date written as YYYY-MM-DD' });

/** The latest answer of `moscowToday`, by minute: time zones shift by whole minutes, so the date is the same all minute. */
let todayMemo: { minute: number; date: string } | undefined;

/** Today's date in Moscow at `now`. */
export function moscowToday(now: Date | number = Date.now()): string {
  const at = typeof now === 'number' ? now : now.getTime();
  const minute = Math.floor(at / 60_000);
  if (todayMemo?.minute !== minute) todayMemo = { minute, date: format(new TZDate(at, MOSCOW_TIME_ZONE), PATTERN) };
  return todayMemo.date;
}

export function addDays(date: string, days: number): string {
  return format(addDaysTo(toMoscow(date), days), PATTERN);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysFrom(from: string, to: string): number {
  return differenceInCalendarDays(toMoscow(to), toMoscow(from));
}

/** Every date from `from` to `to`, both included; empty when `to` is before `from`. */
export function datesBetween(from: string, to: string): string[] {
  const count = daysFrom(from, to);
  return Array.from({ length: Math.max(0, count + 1) }, (_, i) => addDays(from, i));
}

/** WB writes dates as `2026-11-23T00:00:00Z` meaning the Moscow day 2026-11-23. */
export function isoDateOfWb(wbDate: string): string {
  return wbDate.slice(0, 10);
}
