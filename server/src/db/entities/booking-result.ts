// A task's booking operation on its preorder (one row per task + preorder, reused by each slot attempt). Written as
// `pending` with the credit reservation before WB is called, so a re-run after a crash, the task's next probe or the
// sweeper reconciles it with WB's supply details instead of booking twice, and settles the credit exactly once.
import { defineEntity, p } from '@mikro-orm/core';
import { BOOKING_STATUSES } from '@slotpilot/shared';
import { Credential } from './credential.ts';
import { MonitoringTask } from './monitoring-task.ts';
import { User } from './user.ts';

const BookingResultSchema = defineEntity({
  name: 'BookingResult',
  tableName: 'booking_results',
  indexes: [
    { properties: ['user', 'createdAt'] },
    { properties: ['task'] },
    // The sweeper's query: only live operations are ever looked at, and there are few of them.
    { name: 'booking_results_pending_index', properties: ['updatedAt'], where: "status = 'pending'" },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    // No foreign key: a finished task moves to `monitoring_tasks_archive` after TASK_ARCHIVE_DAYS (db/task-archive.ts)
    // while this row stays, the seller's history. The id names the task in either table; a task is never deleted
    // (only with its user, and the user's rows go with it).
    task: () => p.manyToOne(MonitoringTask).createForeignKeyConstraint(false),
    user: () => p.manyToOne(User).deleteRule('cascade'),
    credential: () => p.manyToOne(Credential).nullable().deleteRule('set null'),
    warehouseId: p.integer(),
    /** Moscow calendar date of the delivery slot. */
    date: p.date(),
    boxTypeId: p.integer(),
    coefficient: p.integer().nullable(),
    preorderId: p.string().length(64).nullable(),
    supplyId: p.string().length(64).nullable(),
    status: p.enum(BOOKING_STATUSES).default('pending'),
    idempotencyKey: p.string().length(128).unique(),
    /** The credit bucket held for this operation while it is pending; null once committed or released (exactly once). */
    reservation: p.enum(['trial', 'paid'] as const).nullable(),
    /** `plan/add` calls sent for the current slot attempt: at most MAX_PLAN_ADD_PER_ATTEMPT, whatever fails. */
    wbCalls: p.integer().default(0),
    error: p.text().nullable(),
    createdAt: p
      .datetime()
      .defaultRaw('now()')
      .onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .defaultRaw('now()')
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export class BookingResult extends BookingResultSchema.class {}
BookingResultSchema.setClass(BookingResult);
