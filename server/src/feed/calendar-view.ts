// Turns the feed's per-warehouse pictures into calendar days: the best bookable coefficient per Moscow date.
import type { CalendarDay } from '@slotpilot/shared';
import { isBookable, type WarehouseSlots } from './warehouse-slots.ts';

export function buildCalendarDays(dates: readonly string[], boxTypeId: number, warehouses: readonly WarehouseSlots[]): CalendarDay[] {
  const cellsByDate = new Map<string, CalendarDay['cells']>();
  for (const slots of warehouses) {
    for (const cell of slots.cells) {
      if (cell.boxTypeId !== boxTypeId) continue;
      const list = cellsByDate.get(cell.date) ?? [];
      list.push({ warehouseId: slots.warehouseId, coefficient: cell.coefficient, allowUnload: cell.allowUnload });
      cellsByDate.set(cell.date, list);
    }
  }
  return dates.map((date) => {
    const cells = cellsByDate.get(date) ?? [];
    let best: CalendarDay['best'] = null;
    for (const cell of cells) {
      if (!isBookable({ ...cell, date, boxTypeId })) continue;
      if (!best || cell.coefficient < best.coefficient) best = { warehouseId: cell.warehouseId, coefficient: cell.coefficient };
    }
    return { date, best, cells };
  });
}
