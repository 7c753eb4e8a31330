// A notification waiting to be delivered. Written in the same transaction as the event it reports.
import { defineEntity, p } from '@mikro-orm/core';
import { User } from './user.ts';

const OutboxMessageSchema = defineEntity({
  name: 'OutboxMessage',
  tableName: 'outbox',
  indexes: [
    // Delivery's claim (`sent_at is null and failed_at is null … distinct on (user_id) … order by user_id, id`), the
    // same-cell coalescing and the backlog gauge: only unsent rows, a few hundred however large the table grows.
    { name: 'outbox_pending_index', properties: ['user', 'id'], where: 'sent_at is null and failed_at is null' },
    // Per user and kind: "was this user told about this task already" (task endings), "announced recently" (slot alerts).
    { properties: ['user', 'kind', 'sentAt'] },
  ],
  properties: {
    id: p.bigint('number').primary(),
    user: () => p.manyToOne(User).deleteRule('cascade'),
    /** The domain event, e.g. `booked`, `slot_found`, `credits_exhausted`; the bot renders it. */
    kind: p.string().length(64),
    payload: p.json<Record<string, unknown>>(),
    /** Set for "once per incident" messages: a second insert with the same key is ignored. */
    dedupeKey: p.string().length(128).nullable().unique(),
    attempts: p.integer().default(0),
    nextAttemptAt: p
      .datetime()
      .defaultRaw('now()')
      .onCreate(() => new Date()),
    sentAt: p.datetime().nullable(),
    /** Set when delivery gave up after the last attempt. */
    failedAt: p.datetime().nullable(),
    lastError: p.text().nullable(),
    createdAt: p
      .datetime()
      .defaultRaw('now()')
      .onCreate(() => new Date()),
  },
});

export class OutboxMessage extends OutboxMessageSchema.class {}
OutboxMessageSchema.setClass(OutboxMessage);
