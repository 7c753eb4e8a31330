// A supply task's probe: read the shared feed's latest pictures of its warehouses and look for a slot that meets the
// criteria. No WB call of its own: 10,000 tasks on one warehouse cost what one task costs.
import { moscowToday, type SupplyCriteria } from '@slotpilot/shared';
import type { SlotFeed } from '../feed/slot-feed.ts';
import { isBookable, type WarehouseSlots } from '../feed/warehouse-slots.ts';
import type { ProbeResult } from './machine.ts';

export const slotKey = (warehouseId: number, date: string) => `${warehouseId}:${date}`;

/** A picture's bookable cells of one box type, sorted by date, and the cheapest coefficient among them. */
interface BookableList {
  cells: WarehouseSlots['cells'];
  minCoefficient: number;
}

/** Bookable cells of a picture, per box type, sorted by date: computed once per picture, shared by every task. */
const bookableIndex = new WeakMap<WarehouseSlots, Map<number, BookableList>>();
const NOTHING_BOOKABLE: BookableList = { cells: [], minCoefficient: Number.POSITIVE_INFINITY };

function bookableList(slots: WarehouseSlots, boxTypeId: number): BookableList {
  let index = bookableIndex.get(slots);
  if (!index) {
    index = new Map();
    for (const cell of slots.cells) {
      if (!isBookable(cell)) continue;
      const list = index.get(cell.boxTypeId) ?? { cells: [], minCoefficient: Number.POSITIVE_INFINITY };
      list.cells.push(cell);
      list.minCoefficient = Math.min(list.minCoefficient, cell.coefficient);
      index.set(cell.boxTypeId, list);
    }
    for (const list of index.values()) list.cells.sort((a, b) => a.date.localeCompare(b.date));
    bookableIndex.set(slots, index);
  }
  return index.get(boxTypeId) ?? NOTHING_BOOKABLE;
}

/** The cheapest bookable coefficient of one box type in a picture (Infinity when nothing is bookable). */
export function cheapestBookable(slots: WarehouseSlots, boxTypeId: number): number {
  return bookableList(slots, boxTypeId).minCoefficient;
}

function bookableCells(slots: WarehouseSlots, boxTypeId: number): WarehouseSlots['cells'] {
  return bookableList(slots, boxTypeId).cells;
}

/**
 * The first warehouse in the seller's priority order that has a matching date wins, at its earliest such date.
 * `best` is the cheapest bookable cell in range, for display, whether or not it is under the threshold.
 */
export function evaluateSupply(
  criteria: Pick<SupplyCriteria, 'warehouseIds' | 'boxTypeId' | 'dateFrom' | 'dateTo' | 'skipDates' | 'maxCoefficient'>,
  pictures: ReadonlyMap<number, WarehouseSlots>,
  notified: readonly string[],
  today: string,
  alerted: readonly string[] = [],
): ProbeResult {
  if (criteria.dateTo < today) return { type: 'expired' };
  const from = criteria.dateFrom > today ? criteria.dateFrom : today;
  const skip = new Set(criteria.skipDates);
  const already = new Set(notified);
  let best: { warehouseId: number; date: string; coefficient: number } | null = null;
  let match: { warehouseId: number; date: string; coefficient: number } | null = null;
  for (const warehouseId of criteria.warehouseIds) {
    const picture = pictures.get(warehouseId);
    if (!picture) continue;
    for (const cell of bookableCells(picture, criteria.boxTypeId)) {
      if (cell.date < from || cell.date > criteria.dateTo || skip.has(cell.date)) continue;
      if (!best || cell.coefficient < best.coefficient) best = { warehouseId, date: cell.date, coefficient: cell.coefficient };
      if (!match && cell.coefficient <= criteria.maxCoefficient && !already.has(slotKey(warehouseId, cell.date))) {
        match = { warehouseId, date: cell.date, coefficient: cell.coefficient };
      }
    }
  }
  const closed = closedAlerts(criteria, pictures, alerted);
  const extra = closed.length > 0 ? { closed } : {};
  if (match) return { type: 'match', slot: match, best, ...extra };
  return { type: 'none', best, ...(pictures.size === 0 ? { stale: true } : {}), ...extra };
}

/** Whether a picture shows the cell bookable at or under `max`. */
function openUnder(slots: WarehouseSlots, boxTypeId: number, date: string, max: number): boolean {
  for (const cell of bookableCells(slots, boxTypeId)) {
    if (cell.date === date) return cell.coefficient <= max;
    if (cell.date > date) return false;
  }
  return false;
}

/**
 * Alerted cells (slot keys) that a fresh picture shows closed — not bookable at or under the threshold — so that their
 * reopening is news again for a keep-watching task (issue 17). A cell whose warehouse has no fresh picture is unknown.
 */
export function closedAlerts(
  criteria: Pick<SupplyCriteria, 'boxTypeId' | 'maxCoefficient'>,
  pictures: ReadonlyMap<number, WarehouseSlots>,
  alerted: readonly string[],
): string[] {
  const closed: string[] = [];
  for (const key of alerted) {
    const at = key.indexOf(':');
    const picture = pictures.get(Number(key.slice(0, at)));
    if (picture && !openUnder(picture, criteria.boxTypeId, key.slice(at + 1), criteria.maxCoefficient)) closed.push(key);
  }
  return closed;
}

/**
 * Reads the feed's pictures a task may use: the shared ones, or its owner's own (from a portal session they did not
 * share) when newer. A picture past its `freshUntil` says nothing about now: it is never acted on.
 */
export class SupplyProbe {
  constructor(private readonly feed: SlotFeed) {}

  /** The same evaluation from in-process copies only, synchronously. */
  peek(criteria: SupplyCriteria, notified: readonly string[], userId: number, today = moscowToday()): ProbeResult {
    const now = Date.now();
    const pictures = new Map<number, WarehouseSlots>();
    for (const id of criteria.warehouseIds) {
      const slots = this.feed.peek(id, userId);
      if (slots && slots.freshUntil > now) pictures.set(id, slots);
    }
    return evaluateSupply(criteria, pictures, notified, today);
  }

  /**
   * Whether `evaluateSupply` on the in-process pictures would say anything but `none` (a match, or the range is over):
   * what the host asks of every waiting task every second. It builds no result and allocates nothing, and a warehouse
   * whose cheapest bookable cell is above the task's threshold — nearly always — costs one lookup.
   */
  wouldWake(
    criteria: SupplyCriteria,
    notified: readonly string[],
    userId: number,
    today: string,
    now: number,
    alerted: readonly string[] = [],
  ): boolean {
    if (criteria.dateTo < today) return true;
    // An alerted cell that closed: the probe forgets it, so its reopening is announced (keep-watching tasks only).
    for (const key of alerted) {
      const at = key.indexOf(':');
      const slots = this.feed.peek(Number(key.slice(0, at)), userId);
      if (slots && slots.freshUntil > now && !openUnder(slots, criteria.boxTypeId, key.slice(at + 1), criteria.maxCoefficient)) return true;
    }
    const from = criteria.dateFrom > today ? criteria.dateFrom : today;
    const skip: readonly string[] = criteria.skipDates ?? [];
    for (const warehouseId of criteria.warehouseIds) {
      const slots = this.feed.peek(warehouseId, userId);
      if (!slots || slots.freshUntil <= now) continue;
      const list = bookableList(slots, criteria.boxTypeId);
      if (list.minCoefficient > criteria.maxCoefficient) continue;
      for (const cell of list.cells) {
        if (cell.date > criteria.dateTo) break;
        if (cell.date < from || cell.coefficient > criteria.maxCoefficient || skip.includes(cell.date)) continue;
        if (notified.length > 0 && notified.includes(slotKey(warehouseId, cell.date))) continue;
        return true;
      }
    }
    return false;
  }

  async run(criteria: SupplyCriteria, notified: readonly string[], userId: number, alerted: readonly string[] = []): Promise<ProbeResult> {
    const today = moscowToday();
    if (criteria.dateTo < today) return { type: 'expired' };
    const pictures = new Map<number, WarehouseSlots>();
    const now = Date.now();
    for (const id of criteria.warehouseIds) {
      const slots = await this.feed.get(id, userId);
      if (slots && slots.freshUntil > now) pictures.set(id, slots);
    }
    return evaluateSupply(criteria, pictures, notified, today, alerted);
  }
}
