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
  | 'payment_refused'
  | 'task_ended'
  /** Asked for by the user (`me.sendTestAlert`): proves the bot can write to them. */
  | 'test_alert'
  /** A watched transfer route went from "nothing can move" to "units can move now" (the redistribution probe). */
  | 'redistribution_quota_open';

/**
 * Dedupe keys that hold only for a while: a second "credits exhausted" for the same task (after the seller bought more
 * and ran out again) and a slot alert for a cell that closed and opened again are news, not repeats.
 */
const DEDUPE_EXPIRES_MS: Partial<Record<OutboxKind, number>> = {
  credits_exhausted: 60 * 60_000,
  slot_found: 5 * 60_000,
  // A route whose limits close and reopen later is news; a flapping quota is not re-announced every poll.
  redistribution_quota_open: 30 * 60_000,
};

/**
 * Keys given up sooner once their message is out. A slot alert's key (`slot_found:<task>:<warehouse>:<date>`) only has
 * to stop the same opening being announced twice: an act re-run after a crash, before the task's snapshot remembered
 * the alert, comes within a lease period. The engine asks again for a task and cell only after it saw the cell closed
 * (issue 17), so past this guard a delivered alert's key yields to the reopening. Still undelivered, the key holds (up
 * to the expiry above): the message on its way is about the same cell, open again.
 */
const DEDUPE_RELEASED_AFTER_DELIVERY_MS: Partial<Record<OutboxKind, number>> = {
  slot_found: 30_000,
};

export async function enqueueNotification(
  em: EntityManager,
  message: { userId: number; kind: OutboxKind; payload: Record<string, unknown>; dedupeKey?: string },
): Promise<void> {
  const expiresMs = DEDUPE_EXPIRES_MS[message.kind];
  const deliveredMs = DEDUPE_RELEASED_AFTER_DELIVERY_MS[message.kind];
  if (message.dedupeKey && deliveredMs !== undefined)
    await em.execute(
      `update outbox set dedupe_key = null
       where dedupe_key = ? and (sent_at is not null or failed_at is not null) and created_at < now() - ?::interval`,
      [message.dedupeKey, `${deliveredMs} milliseconds`],
    );
  if (message.dedupeKey && expiresMs !== undefined)
    // The older row keeps its history but gives its key up, so the insert below goes in.
    await em.execute('update outbox set dedupe_key = null where dedupe_key = ? and created_at < now() - ?::interval', [
      message.dedupeKey,
      `${expiresMs} milliseconds`,
    ]);
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
