// The Radar home (issue 16) for returning sellers, decided without a browser: which warehouses are theirs (pinned first,
// then the ones their tasks use most, then recent choices), which box type to show, and what tapping a cell does — open
// the slot-found sheet of a task of theirs that found that very cell, or start a task prefilled for it.
import type { TaskDraft } from './task-draft.ts';

export type BoxTypeId = 2 | 5 | 6;

/** What the radar needs of a task (a subset of the API's task view). */
export interface RadarTask {
  id: string;
  kind: 'supply' | 'redistribution';
  state: 'idle' | 'polling' | 'backing-off' | 'booking' | 'done';
  outcome: string | null;
  criteria: { warehouseIds?: number[]; boxTypeId?: number; maxCoefficient?: number } & object;
  found: { warehouseId: number; date: string; coefficient: number } | null;
  createdAt: string;
}

/** Columns that fit a 360 px screen with 44 px cells beside the date column. */
export const RADAR_COLUMNS = 4;
/** The presets of the new-task form's maximum (a radar draft picks one of them). */
export const MAX_PRESETS = [0, 1, 2, 3, 5, 10] as const;

function supplyCriteria(task: RadarTask): { warehouseIds: number[]; boxTypeId: number; maxCoefficient: number } | null {
  const c = task.criteria;
  if (task.kind !== 'supply' || !Array.isArray(c.warehouseIds) || typeof c.boxTypeId !== 'number') return null;
  return { warehouseIds: c.warehouseIds, boxTypeId: c.boxTypeId, maxCoefficient: c.maxCoefficient ?? 1 };
}

/**
 * The seller's warehouses, best first: pinned ones in pin order, then by how many of their tasks watch them (the newest
 * task breaking ties), then recent choices on this device; at most `limit` of them.
 */
export function favouriteWarehouses(
  input: { pins: readonly number[]; tasks: readonly RadarTask[]; recent: readonly number[] },
  limit = RADAR_COLUMNS,
): number[] {
  const uses = new Map<number, { count: number; latest: string }>();
  for (const task of input.tasks) {
    const c = supplyCriteria(task);
    if (!c) continue;
    for (const id of c.warehouseIds) {
      const seen = uses.get(id);
      uses.set(id, { count: (seen?.count ?? 0) + 1, latest: seen && seen.latest > task.createdAt ? seen.latest : task.createdAt });
    }
  }
  const used = [...uses.entries()]
    .sort(([, a], [, b]) => b.count - a.count || (a.latest < b.latest ? 1 : a.latest > b.latest ? -1 : 0))
    .map(([id]) => id);
  const ordered: number[] = [];
  for (const id of [...input.pins, ...used, ...input.recent]) if (!ordered.includes(id)) ordered.push(id);
  return ordered.slice(0, limit);
}

/** Every warehouse the seller could pin: their favourites and the rest of what their tasks and recents name. */
export function pinCandidates(input: { pins: readonly number[]; tasks: readonly RadarTask[]; recent: readonly number[] }): number[] {
  return favouriteWarehouses(input, 12);
}

/** The box type their supply tasks use most (boxes when they have none). */
export function radarBoxType(tasks: readonly RadarTask[]): BoxTypeId {
  const counts = new Map<number, number>();
  for (const task of tasks) {
    const c = supplyCriteria(task);
    if (c) counts.set(c.boxTypeId, (counts.get(c.boxTypeId) ?? 0) + 1);
  }
  let best: BoxTypeId = 2;
  for (const box of [2, 5, 6] as const) if ((counts.get(box) ?? 0) > (counts.get(best) ?? 0)) best = box;
  return best;
}

/** The smallest preset of the form's maximum that still takes a coefficient of `c` (above them, `c` itself, up to x20). */
export function presetAtLeast(c: number): number {
  return MAX_PRESETS.find((p) => p >= c) ?? Math.min(c, 20);
}

export type CellAction = { kind: 'found'; taskId: string } | { kind: 'new'; draft: TaskDraft };

/**
 * Tapping a cell: a task of theirs found exactly this cell (same warehouse, date and box type) → its slot-found sheet,
 * the newest such task first; otherwise a new notify task for that warehouse, box type and day, its maximum the cell's
 * coefficient when the cell is open now (so the task catches what the seller sees), else their usual maximum.
 */
export function cellAction(
  cell: { warehouseId: number; date: string; boxTypeId: BoxTypeId; open: { coefficient: number } | null },
  tasks: readonly RadarTask[],
): CellAction {
  const finders = tasks
    .filter((task) => {
      const c = supplyCriteria(task);
      return (
        c !== null &&
        c.boxTypeId === cell.boxTypeId &&
        task.found?.warehouseId === cell.warehouseId &&
        task.found.date === cell.date &&
        task.outcome !== 'cancelled'
      );
    })
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
  const finder = finders[0];
  if (finder) return { kind: 'found', taskId: finder.id };
  const usual = tasks.map(supplyCriteria).find((c) => c !== null)?.maxCoefficient ?? 1;
  return {
    kind: 'new',
    draft: {
      warehouseIds: [cell.warehouseId],
      boxTypeId: cell.boxTypeId,
      maxCoefficient: presetAtLeast(cell.open ? Math.max(0, cell.open.coefficient) : usual),
      mode: 'notify',
      keepWatching: false,
      preorderId: '',
      selection: { start: cell.date, end: cell.date, skipped: [] },
    },
  };
}
