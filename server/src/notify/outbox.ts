// Domain events for people (booked, slot found, failed, …) are written to the outbox in the same transaction as the
// change they report; the bot delivers them. A dedupe key makes "once per incident" messages idempotent.
import type { EntityManager } from '@mikro-orm/postgresql';
import { OutboxMessage } from '../db/entities/outbox-message.ts';

export type OutboxKind =
  | 'booked'
  | 'slot_found'
  | 'task_failed'
  | 'needs_action'
  | 'credential_invalid'
  | 'credits_exhausted'
  | 'redistribution_done'
  | 'source_disabled'
  | 'payment_refunded'
  | 'payment_credited'
  | 'payment_refused';

export async function enqueueNotification(
  em: EntityManager,
  message: { userId: number; kind: OutboxKind; payload: Record<string, unknown>; dedupeKey?: string },
): Promise<void> {
  await em
    .createQueryBuilder(OutboxMessage)
    .insert({
      user: message.userId,
      kind: message.kind,
      payload: message.payload,
      dedupeKey: message.dedupeKey ?? null,
      attempts: 0,
      nextAttemptAt: new Date(),
      createdAt: new Date(),
    })
    .onConflict('dedupeKey')
    .ignore()
    .execute('run');
}
