// The calendar's selection rules, pure so they are tested without a DOM: a range picked by two taps, single days skipped
// inside it, past days (Moscow time) and days beyond what the API accepts disabled.
//
// Rules (the product's choice):
// - The first tap picks the start. The second tap on the same day or later picks the end (one tap twice = one day).
// - A second tap *before* the start does not swap: it restarts the selection from the tapped day and says so
//   ("the end is before the start — starting again from …"). Swapping silently would book days the seller never chose.
// - A tap once a range is complete starts a new range (skipped days are forgotten).
// - Skipping (tap-and-hold, or taps while "skip days" is on) toggles days inside the complete range; the last watched day
//   cannot be skipped.
import { addDays, datesBetween, type IsoDate, moscowToday } from './moscow-date.ts';

/** How far ahead a task may watch: the server's limit (task-service `MAX_DAYS_AHEAD`), today + 90 days. */
export const MAX_DAYS_AHEAD = 90;

export interface RangeSelection {
  start: IsoDate | null;
  end: IsoDate | null;
  /** Sorted, always inside [start, end]. */
  skipped: readonly IsoDate[];
}

export interface CalendarBounds {
  /** Today in Moscow: earlier days are disabled. */
  today: IsoDate;
  /** The last day a task may watch. */
  lastDay: IsoDate;
}

export const EMPTY_SELECTION: RangeSelection = { start: null, end: null, skipped: [] };

export function boundsAt(now: number = Date.now()): CalendarBounds {
  const today = moscowToday(now);
  return { today, lastDay: addDays(today, MAX_DAYS_AHEAD) };
}

export function isDisabled(date: IsoDate, bounds: CalendarBounds): boolean {
  return date < bounds.today || date > bounds.lastDay;
}

export type TapNotice = 'day-disabled' | 'restarted-before-start';

export function tapDay(
  selection: RangeSelection,
  date: IsoDate,
  bounds: CalendarBounds,
): { selection: RangeSelection; notice: TapNotice | null } {
  if (isDisabled(date, bounds)) return { selection, notice: 'day-disabled' };
  const { start, end } = selection;
  if (start === null || end !== null) return { selection: { start: date, end: null, skipped: [] }, notice: null };
  if (date < start) return { selection: { start: date, end: null, skipped: [] }, notice: 'restarted-before-start' };
  return { selection: { start, end: date, skipped: [] }, notice: null };
}

export type SkipNotice = 'skip-needs-range' | 'skip-outside-range' | 'skip-last-day';

export function toggleSkip(
  selection: RangeSelection,
  date: IsoDate,
  bounds: CalendarBounds,
): { selection: RangeSelection; notice: SkipNotice | null } {
  const { start, end, skipped } = selection;
  if (start === null || end === null) return { selection, notice: 'skip-needs-range' };
  if (date < start || date > end || isDisabled(date, bounds)) return { selection, notice: 'skip-outside-range' };
  if (skipped.includes(date)) return { selection: { ...selection, skipped: skipped.filter((d) => d !== date) }, notice: null };
  if (watchedDays(selection).length <= 1) return { selection, notice: 'skip-last-day' };
  return { selection: { ...selection, skipped: [...skipped, date].sort() }, notice: null };
}

/** The days a task with this selection would watch: the range without skipped days. */
export function watchedDays(selection: RangeSelection): IsoDate[] {
  if (selection.start === null || selection.end === null) return [];
  const skip = new Set(selection.skipped);
  return datesBetween(selection.start, selection.end).filter((d) => !skip.has(d));
}

export type RangeProblem = 'empty' | 'no-end' | 'end-before-start' | 'start-in-past' | 'beyond-limit' | 'all-skipped';

/** Why this selection cannot make a task yet, or null. Re-checked at submit: the app may stay open past Moscow midnight. */
export function validateRange(selection: RangeSelection, bounds: CalendarBounds): RangeProblem | null {
  const { start, end } = selection;
  if (start === null) return 'empty';
  if (end === null) return 'no-end';
  if (end < start) return 'end-before-start';
  if (start < bounds.today) return 'start-in-past';
  if (end > bounds.lastDay) return 'beyond-limit';
  if (watchedDays(selection).length === 0) return 'all-skipped';
  return null;
}

export interface DayState {
  disabled: boolean;
  /** Where the day sits in the selection. */
  position: 'start' | 'end' | 'single' | 'inside' | null;
  skipped: boolean;
}

export function dayState(date: IsoDate, selection: RangeSelection, bounds: CalendarBounds): DayState {
  const { start, end } = selection;
  let position: DayState['position'] = null;
  if (start !== null && date === start) position = end === null || end === start ? 'single' : 'start';
  else if (start !== null && end !== null && date === end) position = 'end';
  else if (start !== null && end !== null && date > start && date < end) position = 'inside';
  return { disabled: isDisabled(date, bounds), position, skipped: selection.skipped.includes(date) };
}
