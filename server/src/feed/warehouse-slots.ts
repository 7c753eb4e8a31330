// What the feed knows about one warehouse: every (date, box type) cell WB published, which source said so, and when.
import type { FeedSourceKind } from './feed-status.ts';

export interface SlotCell {
  /** Moscow date, YYYY-MM-DD. */
  date: string;
  boxTypeId: number;
  coefficient: number;
  allowUnload: boolean;
}

export interface WarehouseSlots {
  warehouseId: number;
  warehouseName: string;
  /** When WB answered (ms since epoch). */
  fetchedAt: number;
  /** Which source answered: WB's official method or the seller portal's report. */
  source: FeedSourceKind;
  /** Until when detection may act on this picture: a few refresh periods of its source (the act re-checks anyway). */
  freshUntil: number;
  /** Set when the picture came from a seller's own portal session they did not share: only their tasks see it. */
  userId?: number;
  /**
   * The feed leader's version of `cells`: the `fetchedAt` of the reading that last changed them. A refresh on the bus
   * (same cells, newer reading) applies only to a picture of that version.
   */
  cellsAt?: number;
  cells: SlotCell[];
}

/** WB's rule, whatever the user's threshold: -1 is never bookable, and unloading must be allowed. */
export function isBookable(cell: SlotCell, maxCoefficient = Number.POSITIVE_INFINITY): boolean {
  return cell.allowUnload && cell.coefficient >= 0 && cell.coefficient <= maxCoefficient;
}

/** A cheap identity of the cells, so unchanged refreshes are not announced as changes. */
export function cellsSignature(cells: readonly SlotCell[]): string {
  return cells.map((c) => `${c.date}|${c.boxTypeId}|${c.coefficient}|${c.allowUnload ? 1 : 0}`).join(';');
}

/** A picture is never trusted for less than this, whatever its source's period. */
export const MIN_FRESH_MS = 45_000;

/** How long a picture from a source that refreshes every `periodMs` stays actionable. */
export const freshFor = (periodMs: number) => Math.max(MIN_FRESH_MS, Math.round(2.5 * periodMs));
