// Monitoring tasks: what a seller asks SlotPilot to watch, and what the API says about a running task.
import { z } from 'zod';
import { IsoDate } from './calendar.ts';
import { BoxTypeId, type TASK_OUTCOMES, type TASK_STATES, TaskMode } from './domain.ts';

/** Up to this many warehouses per supply task, in priority order. */
export const MAX_TASK_WAREHOUSES = 10;
/** Users also want "up to x2, x3, x5…"; WB publishes coefficients up to about x20. */
export const MAX_COEFFICIENT = 20;

export const SupplyCriteria = z.object({
  warehouseIds: z
    .array(z.number().int().positive())
    .min(1, 'choose at least one warehouse')
    .max(MAX_TASK_WAREHOUSES, `at most ${MAX_TASK_WAREHOUSES} warehouses`)
    .refine((ids) => new Set(ids).size === ids.length, 'a warehouse is listed twice'),
  boxTypeId: BoxTypeId,
  dateFrom: IsoDate,
  dateTo: IsoDate,
  skipDates: z.array(IsoDate).max(60).default([]),
  maxCoefficient: z.number().int().min(0).max(MAX_COEFFICIENT),
  /** Autobook: the WB preorder to book a date for. */
  preorderId: z
    .string()
    .regex(/^\d{1,20}$/, 'a WB preorder id is a number')
    .optional(),
  /** Notify mode: keep watching after an alert instead of finishing. */
  keepWatching: z.boolean().default(false),
});
export type SupplyCriteria = z.infer<typeof SupplyCriteria>;

export const RedistributionCriteria = z.object({
  nmId: z.number().int().positive(),
  chrtId: z.number().int().positive(),
  sizeName: z.string().max(64).optional(),
  srcWarehouseId: z.number().int().positive(),
  dstWarehouseId: z.number().int().positive(),
  units: z.number().int().min(1).max(100_000),
});
export type RedistributionCriteria = z.infer<typeof RedistributionCriteria>;

export const CreateSupplyTaskInput = SupplyCriteria.extend({
  kind: z.literal('supply'),
  mode: TaskMode,
}).refine((v) => v.dateFrom <= v.dateTo, { error: 'the end date is before the start date', path: ['dateTo'] });
export type CreateSupplyTaskInput = z.infer<typeof CreateSupplyTaskInput>;

export const CreateRedistributionTaskInput = RedistributionCriteria.extend({ kind: z.literal('redistribution') }).refine(
  (v) => v.srcWarehouseId !== v.dstWarehouseId,
  { error: 'the destination is the same warehouse as the source', path: ['dstWarehouseId'] },
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
  /** Where the seller can act when the task needs them (outcome needs-action). */
  actionUrl: string | null;
  createdAt: string;
  updatedAt: string;
}
