import { describe, expect, it } from 'vitest';
import { buildCalendarDays } from './calendar-view.ts';

const slots = (warehouseId: number, cells: Array<[string, number, number, boolean]>) => ({
  warehouseId,
  warehouseName: `W${warehouseId}`,
  fetchedAt: 0,
  source: 'official' as const,
  freshUntil: 0,
  cells: cells.map(([date, boxTypeId, coefficient, allowUnload]) => ({ date, boxTypeId, coefficient, allowUnload })),
});

describe('buildCalendarDays', () => {
  it('picks the cheapest bookable warehouse per day, by WB rules, for the chosen box type', () => {
    const days = buildCalendarDays(['2026-11-23', '2026-11-24', '2026-11-25'], 2, [
      slots(507, [
        ['2026-11-23', 2, 3, true],
        ['2026-11-24', 2, 0, false], // free but unloading not allowed: not bookable
        ['2026-11-25', 5, 0, true], // another box type
      ]),
      slots(117501, [
        ['2026-11-23', 2, 1, true],
        ['2026-11-24', 2, -1, true], // -1 is never bookable
      ]),
    ]);
    expect(days.map((d) => d.best)).toEqual([{ warehouseId: 117501, coefficient: 1 }, null, null]);
    expect(days[1]?.cells).toHaveLength(2);
    expect(days[2]?.cells).toEqual([]);
  });
});
