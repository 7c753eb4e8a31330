// A supply task's act. Notify mode: an alert (free). Autobook: book the date through the portal, idempotently:
// the `pending` BookingResult (unique key) and the credit reservation are committed before WB is called, so a re-run
// after a crash finds them and reconciles with WB (supply details) instead of booking a second time.
import type { MikroORM } from '@mikro-orm/postgresql';
import type { FoundSlot, SupplyCriteria } from '@slotpilot/shared';
import type { Logger } from 'pino';
import type { CredentialService } from '../accounts/credential-service.ts';
import { commitCredit, findOpenReservation, releaseCredit, reserveCredit } from '../accounts/credit-ledger.ts';
import { BookingResult } from '../db/entities/booking-result.ts';
import { Credential } from '../db/entities/credential.ts';
import { MonitoringTask } from '../db/entities/monitoring-task.ts';
import { User } from '../db/entities/user.ts';
import { enqueueNotification } from '../notify/outbox.ts';
import { WbError, WbNeedsSellerActionError, WbPortalError, WbUnauthorizedError } from '../wb/errors.ts';
import { PORTAL_SUPPLIES_URL, type WbPortalClient } from '../wb/portal-client.ts';
import type { ActResult, ProbeFailure } from './machine.ts';

export interface SupplyTaskRef {
  taskId: string;
  userId: number;
  criteria: SupplyCriteria;
}

export class SupplyAct {
  constructor(
    private readonly deps: {
      orm: MikroORM;
      portal: WbPortalClient;
      credentials: CredentialService;
      logger: Logger;
      publicUrl: string | undefined;
    },
  ) {}

  async notify(task: SupplyTaskRef, slot: FoundSlot): Promise<ActResult> {
    await this.deps.orm.em.fork().transactional((em) =>
      enqueueNotification(em, {
        userId: task.userId,
        kind: 'slot_found',
        payload: { taskId: task.taskId, ...slot, boxTypeId: task.criteria.boxTypeId, bookUrl: PORTAL_SUPPLIES_URL },
        dedupeKey: `slot_found:${task.taskId}:${slot.warehouseId}:${slot.date}`,
      }),
    );
    return { type: 'notified' };
  }

  async book(task: SupplyTaskRef, slot: FoundSlot): Promise<ActResult> {
    const preorderId = task.criteria.preorderId;
    if (!preorderId) return this.fail(task, slot, undefined, 'no preorder to book', undefined);
    const key = `${task.taskId}:${slot.warehouseId}:${slot.date}`;
    const note = `booking:${key}`;
    const orm = this.deps.orm;

    // 1. Reserve a credit and write the pending result, together, before anything reaches WB.
    const prepared = await orm.em.fork().transactional(async (em) => {
      const existing = await em.findOne(BookingResult, { idempotencyKey: key });
      if (existing?.status === 'pending' || existing?.status === 'confirmed') {
        return { bookingId: existing.id, status: existing.status, resumed: true as const };
      }
      const reservation = await reserveCredit(em, task.userId, note);
      if (!reservation) return { noCredits: true as const };
      if (existing) {
        // The same slot came back after an earlier attempt lost it: try again under the same key.
        existing.status = 'pending';
        existing.error = null;
        return { bookingId: existing.id, status: 'pending' as const, resumed: false as const };
      }
      const booking = em.create(BookingResult, {
        task: em.getReference(MonitoringTask, task.taskId),
        user: em.getReference(User, task.userId),
        warehouseId: slot.warehouseId,
        date: slot.date,
        boxTypeId: task.criteria.boxTypeId,
        coefficient: slot.coefficient,
        preorderId,
        status: 'pending',
        idempotencyKey: key,
      });
      return { bookingId: booking.id, status: 'pending' as const, resumed: false as const };
    });
    if ('noCredits' in prepared) {
      await orm.em.fork().transactional((em) =>
        enqueueNotification(em, {
          userId: task.userId,
          kind: 'credits_exhausted',
          payload: { taskId: task.taskId },
          dedupeKey: `credits_exhausted:${task.taskId}`,
        }),
      );
      return { type: 'no-credits' };
    }
    if (prepared.status === 'confirmed') return { type: 'booked' };

    // 2. Book with the first portal session WB accepts; a re-run first asks WB whether the booking already happened.
    const sessions = await this.deps.credentials.portalSessions(task.userId);
    if (sessions.length === 0) {
      return this.fail(task, slot, prepared.bookingId, 'no valid portal session', undefined, note, 'needs-action');
    }
    for (const { credentialId, session } of sessions) {
      try {
        if (prepared.resumed) {
          const details = await this.deps.portal.supplyDetails(session, { preorderId });
          if (details.supplyId && details.deliveryDate === slot.date) {
            return this.confirm(task, slot, prepared.bookingId, details.supplyId, credentialId, note);
          }
          if (details.supplyId) {
            return this.fail(
              task,
              slot,
              prepared.bookingId,
              `the preorder is already planned for ${details.deliveryDate}`,
              credentialId,
              note,
            );
          }
        }
        const supplyId = await this.deps.portal.planAdd(session, { preorderId, date: slot.date });
        return this.confirm(task, slot, prepared.bookingId, supplyId, credentialId, note);
      } catch (error) {
        if (error instanceof WbUnauthorizedError) {
          await this.deps.credentials.markRejected(credentialId, 'WB rejected the portal session');
          continue;
        }
        if (error instanceof WbNeedsSellerActionError) {
          return this.fail(
            task,
            slot,
            prepared.bookingId,
            error.message,
            credentialId,
            note,
            'needs-action',
            error.actionUrl ?? PORTAL_SUPPLIES_URL,
          );
        }
        if (error instanceof WbPortalError && error.kind === 'slot_unavailable') {
          await this.settle(prepared.bookingId, 'failed', note, task.userId, 'the slot was taken before we could book it');
          return { type: 'gone' };
        }
        if (error instanceof WbPortalError && error.kind === 'already_planned') {
          const details = await this.deps.portal.supplyDetails(session, { preorderId }).catch(() => undefined);
          if (details?.supplyId && details.deliveryDate === slot.date) {
            return this.confirm(task, slot, prepared.bookingId, details.supplyId, credentialId, note);
          }
          return this.fail(task, slot, prepared.bookingId, 'the preorder is already planned for another date', credentialId, note);
        }
        if (error instanceof WbPortalError) return this.fail(task, slot, prepared.bookingId, error.message, credentialId, note);
        // Transient: leave the pending result and the reservation in place; the retry reconciles.
        throw {
          kind: 'transient',
          reason: error instanceof WbError ? error.message : 'booking failed unexpectedly',
        } satisfies ProbeFailure;
      }
    }
    return this.fail(task, slot, prepared.bookingId, 'WB rejected every portal session', undefined, note, 'needs-action');
  }

  private async confirm(
    task: SupplyTaskRef,
    slot: FoundSlot,
    bookingId: string,
    supplyId: string,
    credentialId: string,
    note: string,
  ): Promise<ActResult> {
    await this.deps.orm.em.fork().transactional(async (em) => {
      const booking = await em.findOneOrFail(BookingResult, bookingId);
      if (booking.status === 'confirmed') return;
      booking.status = 'confirmed';
      booking.supplyId = supplyId;
      booking.credential = em.getReference(Credential, credentialId);
      const reservation = await findOpenReservation(em, task.userId, note);
      if (reservation) await commitCredit(em, reservation, note, bookingId);
      await enqueueNotification(em, {
        userId: task.userId,
        kind: 'booked',
        payload: { taskId: task.taskId, bookingId, supplyId, ...slot, credentialId },
        dedupeKey: `booked:${bookingId}`,
      });
    });
    await this.deps.credentials.touch(credentialId);
    this.deps.logger.info({ event: 'booking.confirmed', taskId: task.taskId, userId: task.userId, supplyId, ...slot }, 'slot booked');
    return { type: 'booked' };
  }

  private async fail(
    task: SupplyTaskRef,
    slot: FoundSlot,
    bookingId: string | undefined,
    reason: string,
    _credentialId: string | undefined,
    note?: string,
    outcome: 'failed' | 'needs-action' = 'failed',
    actionUrl?: string,
  ): Promise<ActResult> {
    if (bookingId && note) await this.settle(bookingId, 'failed', note, task.userId, reason);
    await this.deps.orm.em.fork().transactional((em) =>
      enqueueNotification(em, {
        userId: task.userId,
        kind: outcome === 'failed' ? 'task_failed' : 'needs_action',
        payload: { taskId: task.taskId, reason, ...slot, ...(actionUrl ? { actionUrl } : {}) },
        dedupeKey: `${outcome}:${task.taskId}`,
      }),
    );
    this.deps.logger.warn({ event: 'booking.failed', taskId: task.taskId, outcome, reason }, 'booking did not happen');
    return outcome === 'failed'
      ? { type: 'failed', reason }
      : { type: 'needs-action', reason, actionUrl: actionUrl ?? PORTAL_SUPPLIES_URL };
  }

  /** Close a pending result without a booking, giving the credit back, in one transaction. */
  private async settle(bookingId: string, status: 'failed' | 'cancelled', note: string, userId: number, reason: string): Promise<void> {
    await this.deps.orm.em.fork().transactional(async (em) => {
      const booking = await em.findOneOrFail(BookingResult, bookingId);
      if (booking.status !== 'pending') return;
      booking.status = status;
      booking.error = reason;
      const reservation = await findOpenReservation(em, userId, note);
      if (reservation) await releaseCredit(em, reservation, note);
    });
  }
}
