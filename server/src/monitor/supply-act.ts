// A supply task's act. Notify mode: an alert (free). Autobook: book the date through the portal, idempotently:
// the `pending` BookingResult (unique key) and the credit reservation are committed before WB is called, so a re-run
// after a crash finds them and reconciles with WB (supply details) instead of booking a second time.
//
// Before either, one `getAcceptanceCosts` call for the task's preorder confirms the cell (the feed's picture may be up to
// a minute old on the portal source): a cell the preorder's own view shows closed or too dear is `gone`, and nothing is
// reserved or sent. WB's `plan/add` demands a captcha we never solve or forge: a booking that meets one ends at once as
// needs-action with the one-tap link to the preorder's date page, so the seller can book it themselves within seconds.
//
// Reasons stored on the task and in notifications are machine codes (BOOKING_REASONS); the bot and the Mini App say them
// in the seller's language, the log line carries the English detail.
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { FoundSlot, SupplyCriteria } from '@slotpilot/shared';
import type { Logger } from 'pino';
import type { CredentialService } from '../accounts/credential-service.ts';
import { commitCredit, findOpenReservation, releaseCredit, reserveCredit } from '../accounts/credit-ledger.ts';
import { BookingResult } from '../db/entities/booking-result.ts';
import { Credential } from '../db/entities/credential.ts';
import { MonitoringTask } from '../db/entities/monitoring-task.ts';
import { User } from '../db/entities/user.ts';
import { enqueueNotification } from '../notify/outbox.ts';
import { chooseDateUrl } from '../wb/endpoints.ts';
import {
  WbError,
  WbNeedsSellerActionError,
  WbPortalError,
  WbRateLimitedError,
  WbSupplySummaryMissingError,
  WbUnauthorizedError,
} from '../wb/errors.ts';
import { PORTAL_SUPPLIES_URL, type WbPortalClient } from '../wb/portal-client.ts';
import { type ActResult, type ProbeFailure, slotKey } from './machine.ts';

export interface SupplyTaskRef {
  taskId: string;
  userId: number;
  criteria: SupplyCriteria;
}

/** Why a booking ended without one: stored on the task and in the notification, rendered per language by the readers. */
export const BOOKING_REASONS = {
  /** WB's plan/add asked for its captcha: the seller books the date themselves through the link. */
  captchaRequired: 'captcha_required',
  /** WB asked the seller to sign in again. */
  loginRequired: 'portal_login_required',
  noPortalSession: 'no_portal_session',
  /** Every portal session of the seller was refused by WB (each is now marked invalid). */
  sessionsRejected: 'portal_session_rejected',
  noPreorder: 'no_preorder',
  alreadyPlanned: 'preorder_already_planned',
  /** WB refused the booking for a reason of its own (its message is in the log). */
  refused: 'portal_refused',
} as const;

type Session = { credentialId: string; session: string };

/** How long the act waits for the seller's portal limiter before a call: a slot does not wait for long. */
const ACT_LIMITER_WAIT_MS = 3_000;

/**
 * A cell the preorder's own view showed closed (or WB called taken) is passed over for this long by the task's probe
 * (`refuted`): the feed's picture may keep showing it open for up to a minute, and the task would otherwise match it
 * again at once, over and over, each time costing a state change and the seller another portal call. A cell that
 * really reopens is seen again after this window.
 */
export const CLOSED_CELL_MEMORY_MS = 30_000;

const NONE: readonly string[] = [];

type CellCheck =
  | { verdict: 'open' | 'closed'; coefficient: number }
  | { verdict: 'unknown'; detail: string; retryAfterMs?: number }
  | { verdict: 'unchecked' };

export class SupplyAct {
  /** taskId → slot key (`warehouseId:date`) → until when that cell counts as closed for the task without asking WB. */
  private readonly closedCells = new Map<string, Map<string, number>>();

  constructor(
    private readonly deps: {
      orm: MikroORM;
      portal: WbPortalClient;
      credentials: CredentialService;
      logger: Logger;
      publicUrl: string | undefined;
      now?: () => number;
    },
  ) {}

  async notify(task: SupplyTaskRef, slot: FoundSlot): Promise<ActResult> {
    const preorderId = checkablePreorder(task, slot);
    if (preorderId) {
      // A failed check does not hold the alert back: the seller is told and judges for themselves.
      const sessions = await this.sessionsOf(task);
      const check = await this.checkCell(task, slot, preorderId, sessions);
      if (check.verdict === 'closed') return { type: 'gone' };
    }
    await this.deps.orm.em.fork().transactional((em) =>
      enqueueNotification(em, {
        userId: task.userId,
        kind: 'slot_found',
        payload: {
          taskId: task.taskId,
          ...slot,
          boxTypeId: task.criteria.boxTypeId,
          bookUrl: preorderId ? chooseDateUrl(preorderId) : PORTAL_SUPPLIES_URL,
        },
        dedupeKey: `slot_found:${task.taskId}:${slot.warehouseId}:${slot.date}`,
      }),
    );
    return { type: 'notified' };
  }

  async book(task: SupplyTaskRef, slot: FoundSlot): Promise<ActResult> {
    const preorderId = task.criteria.preorderId;
    if (!preorderId) return this.end(task, slot, { outcome: 'failed', reason: BOOKING_REASONS.noPreorder, detail: 'no preorder to book' });
    const key = `${task.taskId}:${slot.warehouseId}:${slot.date}`;
    const note = `booking:${key}`;
    const orm = this.deps.orm;
    const chooseDate = chooseDateUrl(preorderId);

    let sessions = await this.sessionsOf(task);
    const earlier = await orm.em.fork().findOne(BookingResult, { idempotencyKey: key });
    if (earlier?.status === 'confirmed') return { type: 'booked' };
    // A re-run of an attempt that reached WB reconciles below; a cell check now could see the cell closed by our own booking.
    if (earlier?.status !== 'pending') {
      if (sessions.length === 0) {
        return this.end(task, slot, {
          outcome: 'needs-action',
          reason: BOOKING_REASONS.noPortalSession,
          detail: 'no valid portal session',
          actionUrl: chooseDate,
        });
      }
      const check = await this.checkCell(task, slot, preorderId, sessions);
      if (check.verdict === 'closed') return { type: 'gone' };
      if (check.verdict === 'unknown') {
        throw {
          kind: 'transient',
          reason: `could not confirm the cell before booking: ${check.detail}`,
          ...(check.retryAfterMs ? { retryAfterMs: check.retryAfterMs } : {}),
        } satisfies ProbeFailure;
      }
      sessions = await this.sessionsOf(task);
    }

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
        existing.coefficient = slot.coefficient;
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
    const attempt = { bookingId: prepared.bookingId, note };

    // 2. Book with the first portal session WB accepts; a re-run first asks WB whether the booking already happened.
    if (sessions.length === 0) {
      return this.end(task, slot, {
        outcome: 'needs-action',
        reason: BOOKING_REASONS.noPortalSession,
        detail: 'no valid portal session',
        actionUrl: chooseDate,
        attempt,
      });
    }
    for (const { credentialId, session } of sessions) {
      try {
        if (prepared.resumed) {
          const planned = await this.plannedDate(session, preorderId);
          if (planned && planned.date === slot.date) {
            return this.confirm(task, slot, prepared.bookingId, planned.supplyId, credentialId, note);
          }
          if (planned) {
            return this.end(task, slot, {
              outcome: 'failed',
              reason: BOOKING_REASONS.alreadyPlanned,
              detail: `the preorder is already planned for ${planned.date}`,
              attempt,
            });
          }
        }
        // Never with a captcha token: WB's captcha is the seller's to pass (WB-API.md section 5).
        const supplyId = await this.deps.portal.planAdd(
          session,
          { preorderId, date: slot.date },
          { maxLimiterWaitMs: ACT_LIMITER_WAIT_MS },
        );
        return this.confirm(task, slot, prepared.bookingId, supplyId, credentialId, note);
      } catch (error) {
        if (error instanceof WbUnauthorizedError) {
          await this.deps.credentials.markRejected(credentialId, 'WB rejected the portal session');
          continue;
        }
        if (error instanceof WbNeedsSellerActionError) {
          const captcha = error.reason === 'captcha';
          return this.end(task, slot, {
            outcome: 'needs-action',
            reason: captcha ? BOOKING_REASONS.captchaRequired : BOOKING_REASONS.loginRequired,
            detail: error.message,
            // The preorder's own date page: one tap, and the seller picks this date and passes WB's check there.
            actionUrl: captcha ? chooseDate : (error.actionUrl ?? chooseDate),
            attempt,
          });
        }
        if (error instanceof WbPortalError && error.kind === 'slot_unavailable') {
          await this.settle(attempt, task.userId, 'the slot was taken before we could book it');
          this.forgetLater(task, slot);
          return { type: 'gone' };
        }
        if (error instanceof WbPortalError && error.kind === 'already_planned') {
          const planned = await this.plannedDate(session, preorderId).catch(() => undefined);
          if (planned && planned.date === slot.date) {
            return this.confirm(task, slot, prepared.bookingId, planned.supplyId, credentialId, note);
          }
          return this.end(task, slot, {
            outcome: 'failed',
            reason: BOOKING_REASONS.alreadyPlanned,
            detail: 'the preorder is already planned for another date',
            attempt,
          });
        }
        if (error instanceof WbPortalError) {
          return this.end(task, slot, { outcome: 'failed', reason: BOOKING_REASONS.refused, detail: error.message, attempt });
        }
        // Transient: leave the pending result and the reservation in place; the retry reconciles.
        throw {
          kind: error instanceof WbRateLimitedError ? 'rate_limited' : 'transient',
          reason: error instanceof WbError ? error.message : 'booking failed unexpectedly',
          ...(error instanceof WbRateLimitedError ? { retryAfterMs: error.retryAfterMs } : {}),
        } satisfies ProbeFailure;
      }
    }
    return this.end(task, slot, {
      outcome: 'needs-action',
      reason: BOOKING_REASONS.sessionsRejected,
      detail: 'WB rejected every portal session',
      actionUrl: chooseDate,
      attempt,
    });
  }

  /**
   * One `getAcceptanceCosts` call for the preorder over the slot's date, with the first session WB accepts. `closed` when
   * the preorder's own view shows the cell closed (−1, no unloading) or above the task's threshold.
   */
  private async checkCell(task: SupplyTaskRef, slot: FoundSlot, preorderId: string, sessions: readonly Session[]): Promise<CellCheck> {
    this.prune();
    if (this.closedCells.get(task.taskId)?.has(slotKey(slot))) return { verdict: 'closed', coefficient: -1 };
    for (const { credentialId, session } of sessions) {
      try {
        const costs = await this.deps.portal.acceptanceCosts(session, preorderId, slot.date, slot.date, {
          maxLimiterWaitMs: ACT_LIMITER_WAIT_MS,
        });
        const day = costs.find((c) => c.date === slot.date);
        // No row for the date: the answer says nothing about the cell, so it does not veto the act.
        if (!day) return { verdict: 'unknown', detail: 'the preorder costs have no row for the date' };
        const open = day.allowUnload && day.coefficient >= 0 && day.coefficient <= task.criteria.maxCoefficient;
        if (open) return { verdict: 'open', coefficient: day.coefficient };
        this.forgetLater(task, slot);
        this.deps.logger.info(
          { event: 'act.cell_closed', taskId: task.taskId, ...slot, checked: day.coefficient, allowUnload: day.allowUnload },
          'the preorder view shows the cell closed or too dear: not acting',
        );
        return { verdict: 'closed', coefficient: day.coefficient };
      } catch (error) {
        if (error instanceof WbUnauthorizedError) {
          await this.deps.credentials.markRejected(credentialId, 'WB rejected the portal session');
          continue;
        }
        const detail = error instanceof WbError ? error.message : 'unexpected failure';
        this.deps.logger.warn({ event: 'act.check_failed', taskId: task.taskId, ...slot, detail }, 'could not confirm the cell');
        return { verdict: 'unknown', detail, ...(error instanceof WbRateLimitedError ? { retryAfterMs: error.retryAfterMs } : {}) };
      }
    }
    return sessions.length ? { verdict: 'unknown', detail: 'WB rejected every portal session' } : { verdict: 'unchecked' };
  }

  /** The preorder's planned date and supply, if it is planned; `undefined` if it still waits for a date. */
  private async plannedDate(session: string, preorderId: string): Promise<{ date: string; supplyId: string } | undefined> {
    try {
      const details = await this.deps.portal.supplyDetails(session, { preorderId }, { maxLimiterWaitMs: ACT_LIMITER_WAIT_MS });
      if (details.supplyId && details.deliveryDate) return { date: details.deliveryDate, supplyId: details.supplyId };
      return undefined;
    } catch (error) {
      // Some portal answers carry no summary: then a preorder still in the not-planned list was not booked.
      if (!(error instanceof WbSupplySummaryMissingError)) throw error;
      const waiting = await this.deps.portal.listPreorders(session, { maxLimiterWaitMs: ACT_LIMITER_WAIT_MS });
      if (waiting.some((p) => p.preorderId === preorderId)) return undefined;
      throw error;
    }
  }

  private async sessionsOf(task: SupplyTaskRef): Promise<Session[]> {
    return (await this.deps.credentials.portalSessions(task.userId)).map(({ credentialId, session }) => ({ credentialId, session }));
  }

  /**
   * The task's cells WB refuted lately (slot keys, as the probe's `notified`): the probe passes over them until
   * CLOSED_CELL_MEMORY_MS has gone by. No allocation for a task with none (the detection pass asks every second).
   */
  refuted(taskId: string): readonly string[] {
    const cells = this.closedCells.get(taskId);
    if (!cells) return NONE;
    const now = this.now();
    for (const [key, until] of cells) if (until <= now) cells.delete(key);
    if (cells.size === 0) {
      this.closedCells.delete(taskId);
      return NONE;
    }
    return [...cells.keys()];
  }

  /** WB said the cell is closed or gone: pass over it for a while. */
  private forgetLater(task: SupplyTaskRef, slot: FoundSlot): void {
    const cells = this.closedCells.get(task.taskId) ?? new Map<string, number>();
    cells.set(slotKey(slot), this.now() + CLOSED_CELL_MEMORY_MS);
    this.closedCells.set(task.taskId, cells);
  }

  /** Drop what has lapsed, for every task (finished tasks leave entries behind otherwise). */
  private prune(): void {
    const now = this.now();
    for (const [taskId, cells] of this.closedCells) {
      for (const [key, until] of cells) if (until <= now) cells.delete(key);
      if (cells.size === 0) this.closedCells.delete(taskId);
    }
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
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

  /**
   * The task ends without a booking: the pending result (if any) is closed and its credit given back, and the seller is
   * told, in one transaction, so the notification goes out with the task's end and never without it.
   */
  private async end(
    task: SupplyTaskRef,
    slot: FoundSlot,
    how: {
      outcome: 'failed' | 'needs-action';
      reason: string;
      detail: string;
      actionUrl?: string;
      attempt?: { bookingId: string; note: string };
    },
  ): Promise<ActResult> {
    await this.deps.orm.em.fork().transactional(async (em) => {
      if (how.attempt) await settleIn(em, how.attempt, task.userId, how.detail);
      await enqueueNotification(em, {
        userId: task.userId,
        kind: how.outcome === 'failed' ? 'task_failed' : 'needs_action',
        payload: {
          taskId: task.taskId,
          reason: how.reason,
          detail: how.detail,
          ...slot,
          ...(task.criteria.preorderId ? { preorderId: task.criteria.preorderId } : {}),
          ...(how.actionUrl ? { actionUrl: how.actionUrl } : {}),
        },
        dedupeKey: `${how.outcome}:${task.taskId}`,
      });
    });
    this.deps.logger.warn(
      { event: 'booking.ended', taskId: task.taskId, outcome: how.outcome, reason: how.reason, detail: how.detail },
      'booking did not happen',
    );
    return how.outcome === 'failed'
      ? { type: 'failed', reason: how.reason }
      : { type: 'needs-action', reason: how.reason, actionUrl: how.actionUrl ?? PORTAL_SUPPLIES_URL };
  }

  /** Close a pending result without a booking, giving the credit back, in one transaction. */
  private async settle(attempt: { bookingId: string; note: string }, userId: number, reason: string): Promise<void> {
    await this.deps.orm.em.fork().transactional((em) => settleIn(em, attempt, userId, reason));
  }
}

async function settleIn(em: EntityManager, attempt: { bookingId: string; note: string }, userId: number, reason: string): Promise<void> {
  const booking = await em.findOneOrFail(BookingResult, attempt.bookingId);
  if (booking.status !== 'pending') return;
  booking.status = 'failed';
  booking.error = reason;
  const reservation = await findOpenReservation(em, userId, attempt.note);
  if (reservation) await releaseCredit(em, reservation, attempt.note);
}

/**
 * The preorder whose own view can confirm this slot: a preorder belongs to one warehouse, so only a task watching that
 * one warehouse (every autobook task, by construction) can ask it about the slot's cell.
 */
function checkablePreorder(task: SupplyTaskRef, slot: FoundSlot): string | undefined {
  const { preorderId, warehouseIds } = task.criteria;
  return preorderId && warehouseIds.length === 1 && warehouseIds[0] === slot.warehouseId ? preorderId : undefined;
}
