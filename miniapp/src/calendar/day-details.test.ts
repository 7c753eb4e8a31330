import { describe, expect, it } from 'vitest';
import { dayRows, openSince, usualDaysAhead } from './day-details.tsx';

const day = {
  date: '2026-12-10',
  best: { warehouseId: 117501, coefficient: 1 },
  cells: [
    { warehouseId: 507, coefficient: -1, allowUnload: false },
    { warehouseId: 117501, coefficient: 3, allowUnload: true },
    { warehouseId: 117501, coefficient: 1, allowUnload: true },
    { warehouseId: 300461, coefficient: 0, allowUnload: false },
  ],
};

describe('a calendar day in detail', () => {
  it('lists each chosen warehouse, bookable ones cheapest first, closed ones after', () => {
    expect(dayRows(day, [507, 117501, 300461])).toEqual([
      { warehouseId: 117501, coefficient: 1 },
      { warehouseId: 507, coefficient: null },
      { warehouseId: 300461, coefficient: null },
    ]);
    expect(dayRows(undefined, [507])).toEqual([{ warehouseId: 507, coefficient: null }]);
  });

  it('says since when only when the latest recorded change is the value shown', () => {
    const changes = [
      { at: 1_000, coefficient: -1, allowUnload: false },
      { at: 2_000, coefficient: 1, allowUnload: true },
    ];
    expect(openSince(changes, 1)).toBe(2_000);
    expect(openSince(changes, 2)).toBeNull();
    expect(openSince([], 1)).toBeNull();
    expect(openSince([{ at: 3_000, coefficient: 1, allowUnload: false }], 1)).toBeNull();
  });

  it('names the days-ahead bucket with the most openings at the threshold for the maximum', () => {
    const figures = (threshold: 0 | 1 | 2 | 3 | 5, daysAhead: Array<{ days: number; openings: number }>) => ({
      threshold,
      openings: 1,
      perDay: 1,
      medianOpenSeconds: null,
      stillOpen: 0,
      heatmap: [],
      daysAhead,
    });
    const thresholds = [
      figures(0, [{ days: 1, openings: 1 }]),
      figures(1, [
        { days: 0, openings: 1 },
        { days: 3, openings: 4 },
      ]),
    ];
    expect(usualDaysAhead(thresholds, 1)).toBe(3);
    expect(usualDaysAhead(thresholds, 0)).toBe(1);
    expect(usualDaysAhead([figures(0, [{ days: 2, openings: 0 }])], 0)).toBeNull();
  });
});
