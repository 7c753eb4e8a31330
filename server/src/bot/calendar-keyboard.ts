// The /new flow's inline calendar: a month of Moscow dates, month navigation, and a two-tap range (first day, then last
// day, never before the first). Pure: the keyboard is a function of the view, the selection and the allowed dates.
import { InlineKeyboard } from 'grammy';
import { callbackData, isoDate } from './callback-data.ts';
import type { Texts } from './texts/index.ts';

export interface MonthView {
  year: number;
  month: number;
}

export interface DateRange {
  start?: string | undefined;
  end?: string | undefined;
}

/** First and last pickable dates (`YYYY-MM-DD`, inclusive). */
export interface DateBounds {
  min: string;
  max: string;
}

export type PickOutcome = 'start' | 'range' | 'end-before-start';

/** A tap on `day`: the first tap (or one after a finished range) sets the start; the next sets the end, if not before it. */
export function pickDay(range: DateRange, day: string): { range: DateRange; outcome: PickOutcome } {
  if (!range.start || range.end) return { range: { start: day }, outcome: 'start' };
  if (day < range.start) return { range: { start: day }, outcome: 'end-before-start' };
  return { range: { start: range.start, end: day }, outcome: 'range' };
}

export function monthOf(date: string): MonthView {
  return { year: Number(date.slice(0, 4)), month: Number(date.slice(5, 7)) };
}

export function shiftMonth(view: MonthView, delta: number): MonthView {
  const index = view.year * 12 + (view.month - 1) + delta;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

/** Whether any day of the month is pickable. */
export function monthInBounds(view: MonthView, bounds: DateBounds): boolean {
  const first = isoDate(view.year, view.month, 1);
  const last = isoDate(view.year, view.month, daysInMonth(view));
  return last >= bounds.min && first <= bounds.max;
}

export function calendarKeyboard(view: MonthView, range: DateRange, bounds: DateBounds, t: Texts): InlineKeyboard {
  const { year, month } = view;
  const noop = callbackData.calendar('noop', year, month);
  const keyboard = new InlineKeyboard();

  const previous = shiftMonth(view, -1);
  const next = shiftMonth(view, 1);
  const monthName = t.months[month - 1] ?? '';
  keyboard
    .text('«', monthInBounds(previous, bounds) ? callbackData.calendar('nav', previous.year, previous.month) : noop)
    .text(`${monthName.charAt(0).toUpperCase()}${monthName.slice(1)} ${year}`, noop)
    .text('»', monthInBounds(next, bounds) ? callbackData.calendar('nav', next.year, next.month) : noop)
    .row();
  for (const weekday of t.weekdays) keyboard.text(weekday, noop);
  keyboard.row();

  // Monday-first weeks: blanks before the 1st and after the last day.
  const leading = (new Date(Date.UTC(year, month - 1, 1)).getUTCDay() + 6) % 7;
  const total = daysInMonth(view);
  const cells = Math.ceil((leading + total) / 7) * 7;
  for (let cell = 0; cell < cells; cell++) {
    const day = cell - leading + 1;
    if (day < 1 || day > total) keyboard.text(' ', noop);
    else {
      const date = isoDate(year, month, day);
      if (date < bounds.min || date > bounds.max) keyboard.text('·', callbackData.calendar('noop', year, month, day));
      else keyboard.text(dayLabel(day, date, range), callbackData.calendar('pick', year, month, day));
    }
    if (cell % 7 === 6) keyboard.row();
  }

  keyboard
    .text(t.newTask.clear, callbackData.calendar('clear', year, month))
    .text(t.newTask.create, callbackData.calendar('done', year, month))
    .row()
    .text(t.newTask.back, callbackData.newBack())
    .text(t.newTask.cancel, callbackData.newCancel());
  return keyboard;
}

/** The chosen ends in brackets, the days between them dotted. */
function dayLabel(day: number, date: string, range: DateRange): string {
  if (date === range.start || date === range.end) return `[${day}]`;
  if (range.start && range.end && date > range.start && date < range.end) return `·${day}·`;
  return String(day);
}

function daysInMonth(view: MonthView): number {
  return new Date(Date.UTC(view.year, view.month, 0)).getUTCDate();
}
