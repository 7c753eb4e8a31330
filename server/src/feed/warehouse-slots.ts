// What the feed knows about one warehouse: every (date, box type) cell WB published, and when it was fetched.

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
