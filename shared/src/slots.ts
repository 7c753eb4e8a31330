// The calendar's contract: which coefficients the Mini App shows for chosen warehouses, box type and dates.
import { z } from 'zod';
import { WB_HORIZON_DAYS } from './calendar.ts';
import { BoxTypeId } from './domain.ts';
import { bilingual, daysInRange, InputDate } from './validation.ts';

export const CalendarInput = z
  .object({
    warehouseIds: z
      .array(z.number().int().positive())
      .min(1)
      .max(10)
      .refine((ids) => new Set(ids).size === ids.length, bilingual('a warehouse is listed twice', 'склад указан дважды')),
    boxTypeId: BoxTypeId,
    dateFrom: InputDate.optional(),
    dateTo: InputDate.optional(),
  })
  .refine((v) => !v.dateFrom || !v.dateTo || v.dateFrom <= v.dateTo, {
    ...bilingual('the end date is before the start date', 'дата окончания раньше даты начала'),
    path: ['dateTo'],
  })
  // WB publishes 14 days: a longer calendar is only empty days, and its cost grows with the range (issue 14).
  .refine((v) => !v.dateFrom || !v.dateTo || v.dateTo < v.dateFrom || daysInRange(v.dateFrom, v.dateTo) <= WB_HORIZON_DAYS, {
    ...bilingual(`at most ${WB_HORIZON_DAYS} days`, `не больше ${WB_HORIZON_DAYS} дней`),
    path: ['dateTo'],
  });
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
  /**
   * Where the calendar's data comes from (`kind`, `updatedAt`: the freshest picture shown) and the feed's state;
   * `reason` says why there is none (see TaskSource), `fetchedAt` is the oldest picture shown.
   */
  source: {
    kind: 'official' | 'portal' | 'none';
    updatedAt: number | null;
    state: FeedSourceState;
    reason: string | null;
    fetchedAt: number | null;
  };
  /** Warehouses the feed had no picture of yet (the calendar fills in on the next refresh). */
  pendingWarehouses: number[];
}

export interface WarehouseInfo {
  id: number;
  name: string;
  address: string;
  isActive: boolean;
}
