import { describe, expect, it } from 'vitest';
import type { SlotFeed } from '../feed/slot-feed.ts';
import type { WarehouseSlots } from '../feed/warehouse-slots.ts';
import { evaluateSupply, SupplyProbe } from './supply-probe.ts';

const picture = (warehouseId: number, cells: Array<[string, number, boolean?, number?]>): WarehouseSlots => ({
  warehouseId,
  warehouseName: `W${warehouseId}`,
  fetchedAt: Date.now(),
  source: 'portal',
  freshUntil: Date.now() + 60_000,
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

  it('says when it looked at no fresh picture at all (stale): the task was not checked', () => {
    expect(evaluateSupply(criteria, new Map(), [], today)).toEqual({ type: 'none', best: null, stale: true });
    const pictures = new Map([[507, picture(507, [['2026-11-25', 4]])]]);
    expect(evaluateSupply(criteria, pictures, [], today)).toEqual({
      type: 'none',
      best: { warehouseId: 507, date: '2026-11-25', coefficient: 4 },
    });
  });

  it('names the alerted cells a fresh picture shows closed (gone, or above the threshold); unknown ones are kept', () => {
    const pictures = new Map([
      [
        507,
        picture(507, [
          ['2026-11-24', 0],
          ['2026-11-25', 3],
          ['2026-11-26', -1],
        ]),
      ],
    ]);
    const alerted = ['507:2026-11-24', '507:2026-11-25', '507:2026-11-26', '507:2026-11-27', '117501:2026-11-24'];
    expect(evaluateSupply(criteria, pictures, alerted, today, alerted)).toEqual({
      type: 'none',
      best: { warehouseId: 507, date: '2026-11-24', coefficient: 0 },
      closed: ['507:2026-11-25', '507:2026-11-26', '507:2026-11-27'],
    });
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

describe("SupplyProbe.wouldWake (the host's 1 Hz pass)", () => {
  it('says yes exactly when evaluateSupply would say anything but none, over many random pictures and tasks', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const day = (offset: number) => new Date(Date.parse(`${today}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
    const warehouses = [507, 117501, 900101, 900102, 900103];
    let wakes = 0;
    for (let world = 0; world < 50; world++) {
      const pictures = new Map<number, WarehouseSlots>();
      for (const id of warehouses) {
        const cells: Array<[string, number, boolean, number]> = [];
        for (let d = -1; d < 14; d++)
          for (const box of [2, 5, 6]) cells.push([day(d), random() < 0.3 ? -1 : Math.floor(random() * 5), random() < 0.8, box]);
        const slots = picture(
          id,
          cells.sort(() => random() - 0.5),
        );
        if (random() < 0.1) slots.freshUntil = Date.now() - 1;
        pictures.set(id, slots);
      }
      const probe = new SupplyProbe({ peek: (id: number) => pictures.get(id) } as unknown as SlotFeed);
      const fresh = new Map([...pictures].filter(([, p]) => p.freshUntil > Date.now()));
      for (let t = 0; t < 50; t++) {
        const dateFrom = day(Math.floor(random() * 16) - 3);
        const task = {
          ...criteria,
          warehouseIds: warehouses.filter(() => random() < 0.4),
          boxTypeId: [2, 5, 6][Math.floor(random() * 3)] as 2 | 5 | 6,
          dateFrom,
          dateTo: day(Math.floor(random() * 16) - 2),
          skipDates: random() < 0.5 ? [dateFrom] : [],
          maxCoefficient: Math.floor(random() * 4),
          keepWatching: true,
        };
        const notified = random() < 0.5 ? [`${warehouses[Math.floor(random() * 5)]}:${day(Math.floor(random() * 14))}`] : [];
        // Half the tasks also ask about alerted cells that closed (keep-watching tasks: a reopening is news again).
        const alerted = random() < 0.5 ? notified : [];
        const result = evaluateSupply(task, fresh, notified, today, alerted);
        const expected = result.type !== 'none' || (result.closed?.length ?? 0) > 0;
        expect(probe.wouldWake(task, notified, 1, today, Date.now(), alerted)).toBe(expected);
        if (expected) wakes++;
      }
    }
    // Both answers occur often enough for the comparison to mean something.
    expect(wakes).toBeGreaterThan(500);
    expect(wakes).toBeLessThan(2_000);
  });
});
