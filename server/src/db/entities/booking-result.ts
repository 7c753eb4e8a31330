// One booking attempt. Written as `pending` before WB is called, so a re-run after a crash reconciles instead of booking twice.
import { defineEntity, p } from '@mikro-orm/core';
import { BOOKING_STATUSES } from '@slotpilot/shared';
import { Credential } from './credential.ts';
import { MonitoringTask } from './monitoring-task.ts';
import { User } from './user.ts';

const BookingResultSchema = defineEntity({
  name: 'BookingResult',
  tableName: 'booking_results',
  indexes: [{ properties: ['user', 'createdAt'] }, { properties: ['task'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    task: () => p.manyToOne(MonitoringTask).deleteRule('cascade'),
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
