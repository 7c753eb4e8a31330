import { addDays as sharedAddDays, moscowToday as sharedMoscowToday } from '@slotpilot/shared';
import { describe, expect, it } from 'vitest';
import { coefficientTone } from './coefficient-scale.ts';
import { addDays, addMonths, datesBetween, formatMonth, isIsoDate, monthGrid, moscowToday, weekdayOf } from './moscow-date.ts';
import {
  boundsAt,
  type CalendarBounds,
  dayState,
  EMPTY_SELECTION,
  MAX_DAYS_AHEAD,
  type RangeSelection,
  tapDay,
  toggleSkip,
  validateRange,
  watchedDays,
} from './range-selection.ts';

const bounds: CalendarBounds = { today: '2026-11-22', lastDay: addDays('2026-11-22', MAX_DAYS_AHEAD) };

function taps(dates: string[], b = bounds): { selection: RangeSelection; notices: Array<string | null> } {
  let selection = EMPTY_SELECTION;
  const notices: Array<string | null> = [];
  for (const date of dates) {
    const result = tapDay(selection, date, b);
    selection = result.selection;
    notices.push(result.notice);
  }
  return { selection, notices };
}

describe('Moscow dates', () => {
  it('takes today from Moscow time around midnight, whatever the device zone', () => {
    // 20:59:59 UTC is 23:59:59 in Moscow (UTC+3): still the 31st. A second later it is the new year in Moscow.
    expect(moscowToday(Date.parse('2026-12-31T20:59:59Z'))).toBe('2026-12-31');
    expect(moscowToday(Date.parse('2026-12-31T21:00:00Z'))).toBe('2027-01-01');
    // Late evening in New York is already tomorrow in Moscow.
    expect(moscowToday(Date.parse('2026-11-22T23:30:00-05:00'))).toBe('2026-11-23');
  });

  it('agrees with the server-side calendar in @slotpilot/shared', () => {
    for (const at of ['2026-02-28T21:00:00Z', '2026-03-31T20:59:00Z', '2028-02-28T22:00:00Z', '2026-10-25T00:30:00Z']) {
      expect(moscowToday(Date.parse(at))).toBe(sharedMoscowToday(Date.parse(at)));
    }
    for (const [date, n] of [
      ['2026-01-31', 1],
      ['2026-12-31', 1],
      ['2028-02-28', 1],
      ['2026-03-01', -1],
      ['2026-11-22', 90],
    ] as const) {
      expect(addDays(date, n)).toBe(sharedAddDays(date, n));
    }
  });

  it('crosses month and year ends and leap days', () => {
    expect(addDays('2026-11-30', 1)).toBe('2026-12-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2027-03-01', -1)).toBe('2027-02-28');
    expect(addMonths('2026-12', 1)).toBe('2027-01');
    expect(addMonths('2027-01', -1)).toBe('2026-12');
    expect(datesBetween('2026-11-29', '2026-12-02')).toEqual(['2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02']);
    expect(datesBetween('2026-12-02', '2026-11-29')).toEqual([]);
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2028-02-29')).toBe(true);
  });

  it('lays a month out as a fixed 6-week grid starting on Monday', () => {
    const november = monthGrid('2026-11');
    expect(november).toHaveLength(42);
    // 1 November 2026 is a Sunday: six empty cells first.
    expect(weekdayOf('2026-11-01')).toBe(6);
    expect(november.slice(0, 7)).toEqual([null, null, null, null, null, null, '2026-11-01']);
    expect(november.filter(Boolean)).toHaveLength(30);
    expect(november.at(-1)).toBeNull();
    const february = monthGrid('2027-02');
    expect(february[0]).toBe('2027-02-01'); // a Monday
    expect(february.filter(Boolean)).toHaveLength(28);
    expect(monthGrid('2028-02').filter(Boolean)).toHaveLength(29);
  });

  it('names months in both languages', () => {
    expect(formatMonth('2026-12', 'ru')).toBe('Декабрь 2026');
    expect(formatMonth('2026-12', 'en')).toBe('December 2026');
  });
});

describe('range selection by two taps', () => {
  it('picks the start with the first tap and the end with the second', () => {
    const { selection, notices } = taps(['2026-11-25', '2026-11-28']);
    expect(selection).toEqual({ start: '2026-11-25', end: '2026-11-28', skipped: [] });
    expect(notices).toEqual([null, null]);
    expect(watchedDays(selection)).toEqual(['2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28']);
    expect(validateRange(selection, bounds)).toBeNull();
  });

  it('takes the same day twice as a one-day range', () => {
    const { selection } = taps(['2026-11-25', '2026-11-25']);
    expect(selection).toEqual({ start: '2026-11-25', end: '2026-11-25', skipped: [] });
    expect(dayState('2026-11-25', selection, bounds).position).toBe('single');
  });

  it('restarts from the tapped day when the second tap is before the start (and says so)', () => {
    const { selection, notices } = taps(['2026-11-28', '2026-11-25']);
    expect(selection).toEqual({ start: '2026-11-25', end: null, skipped: [] });
    expect(notices).toEqual([null, 'restarted-before-start']);
    expect(validateRange(selection, bounds)).toBe('no-end');
  });

  it('starts a new range on a third tap', () => {
    const { selection } = taps(['2026-11-25', '2026-11-28', '2026-12-03']);
    expect(selection).toEqual({ start: '2026-12-03', end: null, skipped: [] });
  });

  it('selects across a month end', () => {
    const { selection } = taps(['2026-11-29', '2026-12-02']);
    expect(watchedDays(selection)).toEqual(['2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02']);
    expect(dayState('2026-11-30', selection, bounds).position).toBe('inside');
    expect(dayState('2026-12-02', selection, bounds).position).toBe('end');
    expect(dayState('2026-12-03', selection, bounds).position).toBeNull();
  });

  it('highlights start, inside and end days', () => {
    const { selection } = taps(['2026-11-25', '2026-11-27']);
    expect(['2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27'].map((d) => dayState(d, selection, bounds).position)).toEqual([
      null,
      'start',
      'inside',
      'end',
    ]);
  });
});

describe('disabled days', () => {
  it('disables days before today in Moscow and refuses taps on them', () => {
    expect(dayState('2026-11-21', EMPTY_SELECTION, bounds).disabled).toBe(true);
    expect(dayState('2026-11-22', EMPTY_SELECTION, bounds).disabled).toBe(false);
    const { selection, notices } = taps(['2026-11-21']);
    expect(selection).toBe(EMPTY_SELECTION);
    expect(notices).toEqual(['day-disabled']);
  });

  it('moves "today" at Moscow midnight, not at the device midnight', () => {
    // 23:30 on 31 December in Moscow: the 31st is still selectable.
    const before = boundsAt(Date.parse('2026-12-31T20:30:00Z'));
    expect(before.today).toBe('2026-12-31');
    expect(dayState('2026-12-31', EMPTY_SELECTION, before).disabled).toBe(false);
    // 00:30 on 1 January in Moscow, still 31 December in UTC and west of it: the 31st is past.
    const after = boundsAt(Date.parse('2026-12-31T21:30:00Z'));
    expect(after.today).toBe('2027-01-01');
    expect(dayState('2026-12-31', EMPTY_SELECTION, after).disabled).toBe(true);
    expect(after.lastDay).toBe(addDays('2027-01-01', MAX_DAYS_AHEAD));
  });

  it('catches a range chosen before Moscow midnight and submitted after it', () => {
    const chosen = taps(['2026-12-31', '2027-01-03'], boundsAt(Date.parse('2026-12-31T20:00:00Z'))).selection;
    expect(validateRange(chosen, boundsAt(Date.parse('2026-12-31T20:00:00Z')))).toBeNull();
    expect(validateRange(chosen, boundsAt(Date.parse('2026-12-31T21:00:00Z')))).toBe('start-in-past');
  });

  it('disables days beyond what the API accepts', () => {
    expect(dayState(bounds.lastDay, EMPTY_SELECTION, bounds).disabled).toBe(false);
    expect(dayState(addDays(bounds.lastDay, 1), EMPTY_SELECTION, bounds).disabled).toBe(true);
  });
});

describe('skipped days', () => {
  const range = taps(['2026-11-25', '2026-11-28']).selection;

  it('toggles single days inside the range', () => {
    let { selection } = toggleSkip(range, '2026-11-27', bounds);
    ({ selection } = toggleSkip(selection, '2026-11-26', bounds));
    expect(selection.skipped).toEqual(['2026-11-26', '2026-11-27']);
    expect(watchedDays(selection)).toEqual(['2026-11-25', '2026-11-28']);
    expect(dayState('2026-11-26', selection, bounds)).toEqual({ disabled: false, position: 'inside', skipped: true });
    ({ selection } = toggleSkip(selection, '2026-11-26', bounds));
    expect(selection.skipped).toEqual(['2026-11-27']);
  });

  it('refuses days outside the range, before the range is complete, and the last watched day', () => {
    expect(toggleSkip(range, '2026-11-29', bounds).notice).toBe('skip-outside-range');
    expect(toggleSkip(taps(['2026-11-25']).selection, '2026-11-25', bounds).notice).toBe('skip-needs-range');
    const single = taps(['2026-11-25', '2026-11-25']).selection;
    expect(toggleSkip(single, '2026-11-25', bounds)).toEqual({ selection: single, notice: 'skip-last-day' });
  });

  it('forgets skipped days when a new range starts', () => {
    const skipped = toggleSkip(range, '2026-11-26', bounds).selection;
    expect(tapDay(skipped, '2026-12-01', bounds).selection.skipped).toEqual([]);
  });

  it('reports a range whose every day is skipped', () => {
    expect(validateRange({ start: '2026-11-25', end: '2026-11-26', skipped: ['2026-11-25', '2026-11-26'] }, bounds)).toBe('all-skipped');
  });
});

describe('validation', () => {
  it('names what is missing or wrong', () => {
    expect(validateRange(EMPTY_SELECTION, bounds)).toBe('empty');
    expect(validateRange({ start: '2026-11-25', end: null, skipped: [] }, bounds)).toBe('no-end');
    expect(validateRange({ start: '2026-11-28', end: '2026-11-25', skipped: [] }, bounds)).toBe('end-before-start');
    expect(validateRange({ start: '2026-11-25', end: addDays(bounds.lastDay, 1), skipped: [] }, bounds)).toBe('beyond-limit');
  });
});

describe('day colours', () => {
  it('colours a day by its best coefficient', () => {
    expect(coefficientTone(undefined)).toBe('unknown');
    expect(coefficientTone({ best: null })).toBe('closed');
    expect([0, 1, 2, 3, 4, 20].map((coefficient) => coefficientTone({ best: { coefficient } }))).toEqual([
      'free',
      'normal',
      'raised',
      'raised',
      'high',
      'high',
    ]);
  });
});
