import { describe, expect, it } from 'vitest';
import { costItems, costRange, fetchedAtWords, rubleWords } from './preorder-costs-words.ts';

describe('preorder cost words', () => {
  it('asks only for the dates of the range WB estimates: today and the 13 days after it', () => {
    expect(costRange('2026-12-12', '2027-01-20', '2026-12-12')).toEqual({ dateFrom: '2026-12-12', dateTo: '2026-12-25' });
    expect(costRange('2026-12-14', '2026-12-20', '2026-12-12')).toEqual({ dateFrom: '2026-12-14', dateTo: '2026-12-20' });
    expect(costRange('2026-12-20', '2027-01-05', '2026-12-12')).toEqual({ dateFrom: '2026-12-20', dateTo: '2026-12-25' });
    expect(costRange('2026-12-10', '2026-12-13', '2026-12-12')).toEqual({ dateFrom: '2026-12-12', dateTo: '2026-12-13' });
    expect(costRange('2026-12-26', '2026-12-30', '2026-12-12')).toBeNull();
  });

  it('formats whole roubles the way each language does', () => {
    expect(rubleWords('ru', 1250).replace(/\s/g, ' ')).toBe('1 250 ₽');
    expect(rubleWords('en', 1250)).toBe('₽1,250');
  });

  it('words paid, free and closed dates and marks every cheapest open one', () => {
    const items = costItems('ru', [
      { date: '2026-12-12', coefficient: 1, cost: 1250 },
      { date: '2026-12-13', coefficient: 0, cost: 0 },
      { date: '2026-12-14', coefficient: null, cost: null },
      { date: '2026-12-15', coefficient: 0, cost: 0 },
    ]);
    expect(items.map((i) => [i.day, i.kind, i.price?.replace(/\s/g, ' ') ?? null, i.cheapest])).toEqual([
      ['12 дек', 'paid', '1 250 ₽', false],
      ['13 дек', 'free', null, true],
      ['14 дек', 'closed', null, false],
      ['15 дек', 'free', null, true],
    ]);
    expect(costItems('en', [{ date: '2026-12-12', coefficient: 2, cost: 400 }])[0]).toMatchObject({ day: 'Dec 12', cheapest: true });
  });

  it('marks nothing when every date is closed', () => {
    expect(costItems('en', [{ date: '2026-12-14', coefficient: null, cost: null }]).some((i) => i.cheapest)).toBe(false);
  });

  it('tells when WB was read on the Moscow clock, to the minute', () => {
    // 11:05:30 UTC is 14:05 in Moscow (UTC+3 all year).
    expect(fetchedAtWords('ru', Date.UTC(2026, 11, 12, 11, 5, 30))).toBe('14:05');
  });
});
