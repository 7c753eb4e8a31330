import { describe, expect, it } from 'vitest';
import type { WarehouseSlots } from '../feed/warehouse-slots.ts';
import { evaluateSupply } from './supply-probe.ts';

const picture = (warehouseId: number, cells: Array<[string, number, boolean?, number?]>): WarehouseSlots => ({
  warehouseId,
  warehouseName: `W${warehouseId}`,
  fetchedAt: Date.now(),
  cells: cells.map(([date, coefficient, allowUnload = true, boxTypeId = 2]) => ({ date, coefficient, allowUnload, boxTypeId })),
});
const criteria = {
  warehouseIds: [507, 117501],
  boxTypeId: 2 as const,
  dateFrom: '2026-11-23',
  dateTo: '2026-11-30',
  skipDates: [] as string[],
  maxCoefficient: 1,
};
const today = '2026-11-22';

describe('evaluateSupply', () => {
  it('takes the first warehouse in priority order that matches, at its earliest date', () => {
    const pictures = new Map([
      [
        507,
        picture(507, [
          ['2026-11-27', 1],
          ['2026-11-25', 1],
        ]),
      ],
      [117501, picture(117501, [['2026-11-23', 0]])],
    ]);
    expect(evaluateSupply(criteria, pictures, [], today)).toEqual({
      type: 'match',
      slot: { warehouseId: 507, date: '2026-11-25', coefficient: 1 },
      best: { warehouseId: 117501, date: '2026-11-23', coefficient: 0 },
    });
  });

  it("applies WB's rules and the seller's: -1, no unloading, above the threshold, skipped, outside the range, already alerted", () => {
    const pictures = new Map([
      [
        507,
        picture(507, [
          ['2026-11-23', -1],
          ['2026-11-24', 0, false],
          ['2026-11-25', 3],
          ['2026-11-26', 0],
          ['2026-12-05', 0],
          ['2026-11-27', 0, true, 5],
          ['2026-11-28', 1],
        ]),
      ],
    ]);
    const result = evaluateSupply({ ...criteria, skipDates: ['2026-11-26'] }, pictures, ['507:2026-11-28'], today);
    expect(result).toEqual({ type: 'none', best: { warehouseId: 507, date: '2026-11-28', coefficient: 1 } });
  });

  it('is expired once the whole range is in the past', () => {
    expect(evaluateSupply(criteria, new Map(), [], '2026-12-01')).toEqual({ type: 'expired' });
  });

  it('ignores days before today even inside the range', () => {
    const pictures = new Map([
      [
        507,
        picture(507, [
          ['2026-11-24', 0],
          ['2026-11-29', 1],
        ]),
      ],
    ]);
    expect(evaluateSupply(criteria, pictures, [], '2026-11-26')).toMatchObject({ type: 'match', slot: { date: '2026-11-29' } });
  });
});
