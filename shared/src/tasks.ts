// Monitoring tasks: what a seller asks SlotPilot to watch, and what the API says about a running task.
import { z } from 'zod';
import { BoxTypeId, type TASK_OUTCOMES, type TASK_STATES, TaskMode } from './domain.ts';
import { bilingual, daysInRange, InputDate, safeName } from './validation.ts';

/** Up to this many warehouses per supply task, in priority order. */
export const MAX_TASK_WAREHOUSES = 10;
/** Users also want "up to x2, x3, x5…"; WB publishes coefficients up to about x20. */
export const MAX_COEFFICIENT = 20;
/** The longest period one task may watch, both ends included. */
export const MAX_TASK_DAYS = 90;

export const SupplyCriteria = z.object({
  warehouseIds: z
    .array(z.number().int().positive().max(Number.MAX_SAFE_INTEGER))
    .min(1)
    .max(MAX_TASK_WAREHOUSES)
    .refine((ids) => new Set(ids).size === ids.length, bilingual('a warehouse is listed twice', 'склад указан дважды')),
  boxTypeId: BoxTypeId,
  dateFrom: InputDate,
  dateTo: InputDate,
  skipDates: z.array(InputDate).max(60).default([]),
  maxCoefficient: z.number().int().min(0).max(MAX_COEFFICIENT),
  /**
   * Autobook: the WB preorder to book a date for. Notify (optional): the preorder whose WB date page the slot-found
   * sheet opens, so "Забронировать в WB" lands on that supply's choose-date page.
   */
  preorderId: z
    .string()
    .regex(/^\d{1,20}$/)
    .optional(),
  /** Notify mode: keep watching after an alert instead of finishing. */
  keepWatching: z.boolean().default(false),
});
export type SupplyCriteria = z.infer<typeof SupplyCriteria>;

export const RedistributionCriteria = z.object({
  nmId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  chrtId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  sizeName: safeName(64).optional(),
  srcWarehouseId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  dstWarehouseId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  units: z.number().int().min(1).max(100_000),
});
export type RedistributionCriteria = z.infer<typeof RedistributionCriteria>;

export const CreateSupplyTaskInput = SupplyCriteria.extend({
  kind: z.literal('supply'),
  mode: TaskMode,
})
  .refine((v) => v.dateFrom <= v.dateTo, {
    ...bilingual('the end date is before the start date', 'дата окончания раньше даты начала'),
    path: ['dateTo'],
  })
  .refine((v) => v.dateTo < v.dateFrom || daysInRange(v.dateFrom, v.dateTo) <= MAX_TASK_DAYS, {
    ...bilingual(`at most ${MAX_TASK_DAYS} days`, `не больше ${MAX_TASK_DAYS} дней`),
    path: ['dateTo'],
  });
export type CreateSupplyTaskInput = z.infer<typeof CreateSupplyTaskInput>;

export const CreateRedistributionTaskInput = RedistributionCriteria.extend({ kind: z.literal('redistribution') }).refine(
  (v) => v.srcWarehouseId !== v.dstWarehouseId,
  {
    ...bilingual('the destination is the same warehouse as the source', 'склад-получатель совпадает со складом-отправителем'),
    path: ['dstWarehouseId'],
  },
);
export type CreateRedistributionTaskInput = z.infer<typeof CreateRedistributionTaskInput>;

export const TaskId = z.object({ id: z.uuid() });

/** A slot the actor found: a bookable cell matching the criteria. */
export interface FoundSlot {
  warehouseId: number;
  date: string;
  coefficient: number;
}

export interface TaskView {
  id: string;
  kind: 'supply' | 'redistribution';
  mode: 'notify' | 'autobook';
  state: (typeof TASK_STATES)[number];
  outcome: (typeof TASK_OUTCOMES)[number] | null;
  criteria: SupplyCriteria | RedistributionCriteria;
  /** What the task is doing now, for people: e.g. "backing off until …". */
  lastCheckAt: number | null;
  bestSeen: { coefficient: number; warehouseId: number; date: string } | null;
  nextStepAt: number | null;
  reason: string | null;
  found: FoundSlot | null;
  /** When `found` was matched (ms since epoch); null without a found slot or when the task's snapshot predates it. */
  foundAt: number | null;
  /** Where the seller can act when the task needs them (outcome needs-action). */
  actionUrl: string | null;
  /** Where a running supply task's slot data comes from, and how old it is; null for other tasks. */
  source: TaskSource | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * The data behind a supply task or the calendar: WB's official method, the seller portal's report, or none at all
 * (then `reason` says why: no portal session while WB keeps its official method off, or the sources failing).
 */
export interface TaskSource {
  kind: 'official' | 'portal' | 'none';
  /** When the freshest picture was fetched (ms since epoch), or null. */
  updatedAt: number | null;
  /** The state of that source now (of the feed as a whole when there is none): rate-limited, degraded, disabled or ok. */
  state: 'ok' | 'rate-limited' | 'degraded' | 'disabled';
  reason: SourceGap | null;
}

export type SourceGap = 'no_portal_session' | 'wb_disabled' | 'sources_failing';
