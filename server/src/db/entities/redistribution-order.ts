// A transfer order placed (or about to be placed) for a redistribution task; idempotent like a booking.
import { defineEntity, p } from '@mikro-orm/core';
import { REDISTRIBUTION_STATUSES } from '@slotpilot/shared';
import { Credential } from './credential.ts';
import { MonitoringTask } from './monitoring-task.ts';
import { User } from './user.ts';

const RedistributionOrderSchema = defineEntity({
  name: 'RedistributionOrder',
  tableName: 'redistribution_orders',
  indexes: [
    { properties: ['user', 'createdAt'] },
    { properties: ['task'] },
    { name: 'redistribution_orders_pending_index', properties: ['updatedAt'], where: "status = 'pending'" },
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
    nmId: p.bigint('number'),
    chrtId: p.bigint('number').nullable(),
    sizeName: p.string().length(64).nullable(),
    srcWarehouseId: p.integer(),
    dstWarehouseId: p.integer(),
    units: p.integer(),
    status: p.enum(REDISTRIBUTION_STATUSES).default('pending'),
    wbRequestId: p.string().length(128).nullable(),
    idempotencyKey: p.string().length(128).unique(),
    /** The credit bucket held while the order is pending; null once committed or released (exactly once). */
    reservation: p.enum(['trial', 'paid'] as const).nullable(),
    /** When `transfer/order` was sent (the order may exist at WB from then on): reconciled with WB's transfer list. */
    sentAt: p.datetime().nullable(),
    /** The source warehouse's stock of the article just before the order: what reconciliation compares WB's stock with. */
    stockBefore: p.integer().nullable(),
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

export class RedistributionOrder extends RedistributionOrderSchema.class {}
RedistributionOrderSchema.setClass(RedistributionOrder);
