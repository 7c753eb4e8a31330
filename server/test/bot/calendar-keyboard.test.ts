// The inline calendar and the callback data, as pure functions.
import { describe, expect, it } from 'vitest';
import { calendarKeyboard, monthInBounds, pickDay, shiftMonth } from '../../src/bot/calendar-keyboard.ts';
import { callbackData, parseCallbackData } from '../../src/bot/callback-data.ts';
import { textsFor } from '../../src/bot/texts/index.ts';

describe('calendar range', () => {
  it('takes a start, then an end not before it; a tap before the start starts over from there', () => {
    expect(pickDay({}, '2026-12-10')).toEqual({ range: { start: '2026-12-10' }, outcome: 'start' });
    expect(pickDay({ start: '2026-12-10' }, '2026-12-12')).toEqual({ range: { start: '2026-12-10', end: '2026-12-12' }, outcome: 'range' });
    expect(pickDay({ start: '2026-12-10' }, '2026-12-10')).toEqual({ range: { start: '2026-12-10', end: '2026-12-10' }, outcome: 'range' });
    expect(pickDay({ start: '2026-12-10' }, '2026-12-03')).toEqual({ range: { start: '2026-12-03' }, outcome: 'end-before-start' });
    expect(pickDay({ start: '2026-12-10', end: '2026-12-12' }, '2026-12-20')).toEqual({ range: { start: '2026-12-20' }, outcome: 'start' });
  });

  it('moves between months across years and knows which months have pickable days', () => {
    expect(shiftMonth({ year: 2026, month: 12 }, 1)).toEqual({ year: 2027, month: 1 });
    expect(shiftMonth({ year: 2027, month: 1 }, -1)).toEqual({ year: 2026, month: 12 });
    const bounds = { min: '2026-11-22', max: '2027-02-20' };
    expect(monthInBounds({ year: 2026, month: 10 }, bounds)).toBe(false);
    expect(monthInBounds({ year: 2026, month: 11 }, bounds)).toBe(true);
    expect(monthInBounds({ year: 2027, month: 2 }, bounds)).toBe(true);
    expect(monthInBounds({ year: 2027, month: 3 }, bounds)).toBe(false);
  });
});

describe('calendar keyboard', () => {
  const t = textsFor('en');
  const rows = (keyboard: ReturnType<typeof calendarKeyboard>) => keyboard.inline_keyboard.map((row) => row.map((b) => b.text));
  const data = (keyboard: ReturnType<typeof calendarKeyboard>) =>
    keyboard.inline_keyboard.flat().map((b) => ('callback_data' in b ? b.callback_data : undefined));

  it('lays out a Monday-first month, greys out days outside the bounds and highlights the range', () => {
    // December 2026 starts on a Tuesday.
    const keyboard = calendarKeyboard(
      { year: 2026, month: 12 },
      { start: '2026-12-08', end: '2026-12-10' },
      { min: '2026-12-02', max: '2027-03-01' },
      t,
    );
    const [header, weekdays, firstWeek, secondWeek] = rows(keyboard);
    expect(header).toEqual(['«', 'December 2026', '»']);
    expect(weekdays).toEqual(['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su']);
    expect(firstWeek).toEqual([' ', '·', '2', '3', '4', '5', '6']);
    expect(secondWeek).toEqual(['7', '[8]', '·9·', '[10]', '11', '12', '13']);
    expect(rows(keyboard).at(-2)).toEqual(['Clear', 'Create task ✓']);
    // No way back before the first pickable month; days outside the bounds answer without picking.
    expect(data(keyboard)[0]).toBe('cal:noop:2026:12:0');
    expect(data(keyboard)[2]).toBe('cal:nav:2027:1:0');
    expect(data(keyboard)).toContain('cal:noop:2026:12:1');
    expect(data(keyboard)).toContain('cal:pick:2026:12:31');
    for (const value of data(keyboard)) if (value) expect(Buffer.byteLength(value)).toBeLessThanOrEqual(64);
  });
});

describe('callback data', () => {
  it('parses what it prints', () => {
    const taskId = '0f0e0d0c-0b0a-4908-8706-050403020100';
    for (const printed of [
      callbackData.calendar('pick', 2026, 2, 28),
      callbackData.calendar('nav', 2027, 1),
      callbackData.warehouse(507),
      callbackData.warehousePage(3),
      callbackData.box(5),
      callbackData.coefficient(0),
      callbackData.newBack(),
      callbackData.newCancel(),
      callbackData.task('resume', taskId),
      callbackData.tasksRefresh(),
      callbackData.buy('pack-10'),
    ])
      expect(parseCallbackData(printed), printed).toBeDefined();
    expect(parseCallbackData(callbackData.task('cancel', taskId))).toEqual({ type: 'task', action: 'cancel', taskId });
  });

  it('rejects the impossible', () => {
    for (const forged of [
      'cal:pick:2026:2:29',
      'cal:pick:2026:0:1',
      'cal:nav:2026:13:0',
      'cal:pick:2026:1',
      'box:1',
      'coef:-1',
      'tsk:pause:x',
      'buy:A B',
      '',
    ])
      expect(parseCallbackData(forged), forged).toBeUndefined();
  });
});
