// The calendar's contract: which coefficients the Mini App shows for chosen warehouses, box type and dates.
import { z } from 'zod';
import { IsoDate } from './calendar.ts';
import { BoxTypeId } from './domain.ts';

export const CalendarInput = z
  .object({
    warehouseIds: z
      .array(z.number().int().positive())
      .min(1, 'choose at least one warehouse')
      .max(10, 'at most 10 warehouses at once')
      .refine((ids) => new Set(ids).size === ids.length, 'a warehouse is listed twice'),
    boxTypeId: BoxTypeId,
    dateFrom: IsoDate.optional(),
    dateTo: IsoDate.optional(),
  })
  .refine((v) => !v.dateFrom || !v.dateTo || v.dateFrom <= v.dateTo, { error: 'the end date is before the start date', path: ['dateTo'] });
export type CalendarInput = z.infer<typeof CalendarInput>;

export interface CalendarCell {
  warehouseId: number;
  coefficient: number;
  allowUnload: boolean;
}

export interface CalendarDay {
  date: string;
  /** The cheapest bookable option that day (coefficient ≥ 0 and unloading allowed), or null. */
  best: { warehouseId: number; coefficient: number } | null;
  cells: CalendarCell[];
}

export type FeedSourceState = 'ok' | 'rate-limited' | 'degraded' | 'disabled';

export interface CalendarAnswer {
  days: CalendarDay[];
  source: { state: FeedSourceState; reason: string | null; fetchedAt: number | null };
  /** Warehouses the feed had no picture of yet (the calendar fills in on the next refresh). */
  pendingWarehouses: number[];
}

export interface WarehouseInfo {
  id: number;
  name: string;
  address: string;
  isActive: boolean;
}
