// Slot history insights (issue 18): what the feed saw a warehouse do, derived from the recorded changes of its cells.
// The inputs are bounded here; the answers are what `insights.warehouse` and `insights.cell` return.
import { z } from 'zod';
import { BoxTypeId } from './domain.ts';
import { bilingual, InputDate } from './validation.ts';

/** The coefficient thresholds every figure is given for: "≤ x0", "≤ x1", … as a seller sets them on a task. */
export const INSIGHT_THRESHOLDS = [0, 1, 2, 3, 5] as const;
export type InsightThreshold = (typeof INSIGHT_THRESHOLDS)[number];

/** Below this much observation of a warehouse no figure is shown: a day or two says little about a weekly rhythm. */
export const MIN_OBSERVED_DAYS = 3;

export const INSIGHT_WINDOWS = [7, 30] as const;

export const WarehouseInsightsInput = z.object({
  warehouseId: z.number().int().positive().max(2_147_483_647),
  boxTypeId: BoxTypeId,
  days: z.union([z.literal(7), z.literal(30)]),
});
export type WarehouseInsightsInput = z.infer<typeof WarehouseInsightsInput>;

export const CellInsightsInput = z.object({
  warehouseId: z.number().int().positive().max(2_147_483_647),
  boxTypeId: BoxTypeId,
  date: InputDate,
});
export type CellInsightsInput = z.infer<typeof CellInsightsInput>;

/** How much the figures rest on: seconds the feed was actually watching this warehouse, as days (one decimal). */
export interface Observation {
  /** Seconds of observation in the window, over every Moscow day, divided by 86,400 (one decimal). */
  days: number;
  /** Moscow days in the window with at least an hour of observation. */
  calendarDays: number;
  /** The minimum `days` below which figures are withheld (MIN_OBSERVED_DAYS). */
  minimumDays: number;
  /** The window's first Moscow day (it ends today, Moscow time). */
  from: string;
  /** The first Moscow day in the window the feed watched this warehouse, or null. */
  firstDay: string | null;
}

export interface ThresholdFigures {
  threshold: InsightThreshold;
  /**
   * Times a cell of this warehouse and box type became bookable at ≤ threshold (coefficient 0..threshold, unloading
   * allowed) after the feed had seen it otherwise. A cell already open when first seen is not counted.
   */
  openings: number;
  /** Openings per observed day (two decimals). */
  perDay: number;
  /** Median seconds an opening stayed bookable at ≤ threshold (openings that closed again), or null. */
  medianOpenSeconds: number | null;
  /** Openings still bookable now (not in the median). */
  stillOpen: number;
  /** Openings by Moscow weekday (1 = Monday … 7 = Sunday) and hour (0..23); only non-empty buckets. */
  heatmap: Array<{ weekday: number; hour: number; openings: number }>;
  /** Openings by days between the opening (Moscow date) and the cell's date (0 = same day); only non-empty buckets. */
  daysAhead: Array<{ days: number; openings: number }>;
}

/** "x1 catches 5× more often than x0 here": the lowest threshold that opened at least once a day on average. */
export interface ThresholdSuggestion {
  threshold: InsightThreshold;
  perDay: number;
  /** How many times more often than ≤ x0 it opened; null when ≤ x0 never opened (or it is x0 itself). */
  timesX0: number | null;
}

export type WarehouseInsights =
  | {
      status: 'ok';
      warehouseId: number;
      boxTypeId: BoxTypeId;
      days: 7 | 30;
      observation: Observation;
      thresholds: ThresholdFigures[];
      suggestion: ThresholdSuggestion | null;
      /** When the figures were computed (ms since epoch); answers are cached for a few minutes. */
      computedAt: number;
    }
  | {
      /** Less than `observation.minimumDays` of observation: nothing is shown, and the UI says how much there is. */
      status: 'insufficient';
      warehouseId: number;
      boxTypeId: BoxTypeId;
      days: 7 | 30;
      observation: Observation;
      computedAt: number;
    };

export interface CellChange {
  /** When the feed saw the new value (ms since epoch). */
  at: number;
  coefficient: number;
  allowUnload: boolean;
  source: 'official' | 'portal';
}

export interface CellThresholdFigures {
  threshold: InsightThreshold;
  openings: number;
  /** Seconds the cell was bookable at ≤ threshold in all (an opening still going counts until now). */
  openSeconds: number;
  /** Whether the cell is bookable at ≤ threshold as last seen. */
  openNow: boolean;
}

export interface CellInsights {
  warehouseId: number;
  boxTypeId: BoxTypeId;
  date: string;
  /** The cell's recorded changes, oldest first (at most CELL_CHANGES_LIMIT, the latest kept). */
  changes: CellChange[];
  /** True when older changes were left out of `changes` (the figures still count them). */
  truncated: boolean;
  thresholds: CellThresholdFigures[];
  /** Observation of the warehouse over the cell's life (the 14 days WB publishes it), in days. */
  observedDays: number;
  computedAt: number;
}

export const CELL_CHANGES_LIMIT = 500;

/** A seller's preorder (its portal id) and the Moscow dates to estimate its acceptance cost for (at most 14 of them). */
export const PreorderCostsInput = z
  .object({
    preorderId: z.string().regex(/^[1-9][0-9]{0,17}$/, bilingual('must be a WB preorder number', 'должен быть номером предзаказа WB')),
    dateFrom: InputDate,
    dateTo: InputDate,
  })
  .refine((v) => v.dateFrom <= v.dateTo, {
    path: ['dateTo'],
    ...bilingual('must not be before dateFrom', 'не может быть раньше dateFrom'),
  })
  .refine((v) => Date.parse(v.dateTo) - Date.parse(v.dateFrom) < 14 * 86_400_000, {
    path: ['dateTo'],
    ...bilingual('at most 14 days: WB publishes no more', 'не больше 14 дней: дальше WB не публикует'),
  });
export type PreorderCostsInput = z.infer<typeof PreorderCostsInput>;

/** One Moscow date of a preorder's acceptance, as WB's portal estimates it for that preorder. */
export interface PreorderCostDay {
  date: string;
  /** WB's acceptance coefficient for the preorder that day; null where closed (−1, no unloading) or WB gave no row. */
  coefficient: number | null;
  /** Estimated acceptance cost in ₽; null where closed or where WB gives no figure. */
  cost: number | null;
}

export interface PreorderCosts {
  preorderId: string;
  /** Every date of the asked range, in order. */
  days: PreorderCostDay[];
  /** When WB was read (ms since epoch): answers are cached for 5 minutes per preorder. */
  fetchedAt: number;
}
