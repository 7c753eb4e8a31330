import { describe, expect, it } from 'vitest';
import { cellAction, favouriteWarehouses, presetAtLeast, type RadarTask, radarBoxType } from './radar-logic.ts';

const task = (id: string, warehouseIds: number[], extra: Partial<RadarTask> = {}): RadarTask => ({
  id,
  kind: 'supply',
  state: 'polling',
  outcome: null,
  criteria: { warehouseIds, boxTypeId: 2, maxCoefficient: 2 },
  found: null,
  createdAt: `2026-12-0${id.length}T10:00:00Z`,
  ...extra,
});

describe('radar favourites', () => {
  it('puts pins first, then the warehouses most tasks watch, then recent choices, up to the limit', () => {
    const tasks = [task('a', [507, 117501]), task('bb', [117501]), task('ccc', [300461])];
    expect(favouriteWarehouses({ pins: [], tasks, recent: [] })).toEqual([117501, 300461, 507]);
    expect(favouriteWarehouses({ pins: [1733], tasks, recent: [120762] })).toEqual([1733, 117501, 300461, 507]);
    expect(favouriteWarehouses({ pins: [], tasks: [], recent: [5, 6] })).toEqual([5, 6]);
    // Redistribution tasks have no supply warehouses to offer.
    expect(favouriteWarehouses({ pins: [], tasks: [{ ...task('r', []), kind: 'redistribution', criteria: {} }], recent: [] })).toEqual([]);
  });

  it('shows the box type their tasks use most', () => {
    expect(radarBoxType([])).toBe(2);
    expect(
      radarBoxType(
        [task('a', [1], { criteria: { warehouseIds: [1], boxTypeId: 5 } }), task('b', [1])].concat(
          task('c', [2], { criteria: { warehouseIds: [2], boxTypeId: 5 } }),
        ),
      ),
    ).toBe(5);
  });
});

describe('tapping a radar cell', () => {
  const cell = { warehouseId: 507, date: '2026-12-10', boxTypeId: 2 as const, open: { coefficient: 1 } };

  it('opens the sheet of a task that found exactly this cell', () => {
    const finder = task('f', [507], {
      state: 'done',
      outcome: 'notified',
      found: { warehouseId: 507, date: '2026-12-10', coefficient: 1 },
    });
    expect(cellAction(cell, [task('x', [507]), finder])).toEqual({ kind: 'found', taskId: 'f' });
    // Another day, another box type, or a cancelled task: a new task instead.
    expect(cellAction({ ...cell, date: '2026-12-11' }, [finder]).kind).toBe('new');
    expect(cellAction({ ...cell, boxTypeId: 5 }, [finder]).kind).toBe('new');
    expect(cellAction(cell, [{ ...finder, outcome: 'cancelled' }]).kind).toBe('new');
  });

  it('otherwise prefills a notify task for that warehouse and day, at the open coefficient or the usual maximum', () => {
    expect(cellAction(cell, [])).toEqual({
      kind: 'new',
      draft: {
        warehouseIds: [507],
        boxTypeId: 2,
        maxCoefficient: 1,
        mode: 'notify',
        keepWatching: false,
        preorderId: '',
        selection: { start: '2026-12-10', end: '2026-12-10', skipped: [] },
      },
    });
    const closed = cellAction({ ...cell, open: null }, [task('a', [507])]);
    expect(closed.kind === 'new' && closed.draft.maxCoefficient).toBe(2);
    const pricey = cellAction({ ...cell, open: { coefficient: 4 } }, []);
    expect(pricey.kind === 'new' && pricey.draft.maxCoefficient).toBe(5);
    expect(presetAtLeast(0)).toBe(0);
    expect(presetAtLeast(17)).toBe(17);
  });
});
