import { describe, expect, it } from 'vitest';
import { addDays, datesBetween, daysFrom, IsoDate, isIsoDate, isoDateOfWb, moscowToday } from './calendar.ts';

describe('Moscow calendar dates', () => {
  it('takes today from Moscow time, not UTC or the machine', () => {
    // 21:30 UTC is already 00:30 the next day in Moscow (UTC+3).
    expect(moscowToday(Date.parse('2026-12-31T21:30:00Z'))).toBe('2027-01-01');
    expect(moscowToday(Date.parse('2026-12-31T20:59:59Z'))).toBe('2026-12-31');
  });

  it('adds days across month and year ends and leap days', () => {
    expect(addDays('2026-01-31', 1)).toBe('2026-02-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('lists and counts ranges', () => {
    expect(datesBetween('2026-11-29', '2026-12-02')).toEqual(['2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02']);
    expect(datesBetween('2026-12-02', '2026-11-29')).toEqual([]);
    expect(daysFrom('2026-11-22', '2026-12-06')).toBe(14);
  });

  it('accepts only real YYYY-MM-DD dates', () => {
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('2026-1-5')).toBe(false);
    expect(IsoDate.safeParse('2026-13-01').success).toBe(false);
    for (const bad of ['2026-00-10', '2026-04-31', '2026-12-00', '2026-12-32', ' 2026-12-01', '2026-12-01T00:00'])
      expect(isIsoDate(bad)).toBe(false);
    for (const good of ['2026-04-30', '2026-12-31', '2000-02-29']) expect(isIsoDate(good)).toBe(true);
  });

  it("turns to the next Moscow day at Moscow's midnight, however often it is asked within a minute", () => {
    const midnight = Date.parse('2026-12-03T21:00:00Z'); // 00:00 in Moscow (UTC+3)
    expect(moscowToday(midnight - 1)).toBe('2026-12-03');
    expect(moscowToday(midnight)).toBe('2026-12-04');
    expect(moscowToday(midnight - 30_000)).toBe('2026-12-03');
    expect(moscowToday(new Date(midnight + 59_999))).toBe('2026-12-04');
  });

  it("reads WB's date-times as Moscow days", () => {
    expect(isoDateOfWb('2026-11-23T00:00:00Z')).toBe('2026-11-23');
  });
});
