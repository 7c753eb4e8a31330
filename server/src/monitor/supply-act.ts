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
import { type EntityManager, LockMode, type MikroORM } from '@mikro-orm/postgresql';
import type { FoundSlot, SupplyCriteria } from '@slotpilot/shared';
import type { Logger } from 'pino';
import type { CredentialService } from '../accounts/credential-service.ts';
import { commitCredit, reserveCredit, settleOnce } from '../accounts/credit-ledger.ts';
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
import { checkFence, type LeaseFence } from './lease-fence.ts';
import { type ActResult, type ProbeFailure, slotKey } from './machine.ts';

export interface SupplyTaskRef {
  taskId: string;
  userId: number;
  criteria: SupplyCriteria;
  /** The lease epoch the running instance holds (fencing); absent when the sweeper acts for a finished task. */
  epoch?: number;
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
 * The deadline of the act's side-effecting WB call (plan/add, transfer/order): shorter than the portal's default 15 s,
 * so the call ends within the lease the host checked before starting the act (fencing; see actor-host.ts).
 */
export const ACT_CALL_TIMEOUT_MS = 6_000;

/**
 * A cell the preorder's own view showed closed (or WB called taken) is passed over for this long by the task's probe
 * (`refuted`): the feed's picture may keep showing it open for up to a minute, and the task would otherwise match it
 * again at once, over and over, each time costing a state change and the seller another portal call. A cell that
 * really reopens is seen again after this window.
 */
export const CLOSED_CELL_MEMORY_MS = 30_000;

/** `plan/add` calls one slot attempt may send, whatever fails (issue 15: a seller's account meets captchas and bans). */
export const MAX_PLAN_ADD_PER_ATTEMPT = 3;

/** A cell whose attempt spent its plan/add calls is left alone this long (durably: the operation row says so). */
export const REFUSED_CELL_COOLDOWN_MS = 5 * 60_000;

/** Tasks remembered as having nothing pending, at most (then the memory starts again: a query each, once). */
const NO_PENDING_MEMORY_CAP = 100_000;

/** A pending operation of a finished or paused task is reconciled by the sweeper once it is this old. */
export const SWEEP_AFTER_MS = 30_000;

const NONE: readonly string[] = [];

type CellCheck =
  | { verdict: 'open' | 'closed'; coefficient: number }
  | { verdict: 'unknown'; detail: string; retryAfterMs?: number; local?: boolean }
  | { verdict: 'unchecked' };

export class SupplyAct {
  /** taskId → slot key (`warehouseId:date`) → until when that cell counts as closed for the task without asking WB. */
  private readonly closedCells = new Map<string, Map<string, number>>();
  /** Tasks this instance knows to have no pending booking operation (see `pendingSlot`). */
  private readonly noPending = new Set<string>();

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

  /**
   * `settleOnly`: reconcile and settle an operation an earlier run left pending, but send nothing new to WB (the seller
   * asked to pause or cancel before that run finished).
   */
  async book(task: SupplyTaskRef, slot: FoundSlot, { settleOnly = false } = {}): Promise<ActResult> {
    const preorderId = task.criteria.preorderId;
    if (!preorderId) return this.end(task, slot, { outcome: 'failed', reason: BOOKING_REASONS.noPreorder, detail: 'no preorder to book' });
    const key = operationKey(task.taskId, preorderId);
    const note = `booking:${key}`;
    const orm = this.deps.orm;
    const chooseDate = chooseDateUrl(preorderId);
    // This act may leave an operation pending: the next probe asks the database again.
    this.noPending.delete(task.taskId);

    let sessions = await this.sessionsOf(task);
    let operation = await orm.em.fork().findOne(BookingResult, { idempotencyKey: key });
    if (operation?.status === 'confirmed') return { type: 'booked' };
    // 0. An attempt that may have reached WB (a crash, a transient error, a hang): ask WB what became of it first,
    // whatever slot is at hand now. Planned for any date → it is ours (our operation says we asked for it).
    let resume = false;
    if (operation?.status === 'pending') {
      if (sessions.length === 0) {
        return this.end(task, slot, {
          outcome: 'needs-action',
          reason: BOOKING_REASONS.noPortalSession,
          detail: 'no valid portal session',
          actionUrl: chooseDate,
          attempt: { bookingId: operation.id, note },
        });
      }
      const planned = await this.reconcileWith(sessions, preorderId);
      if (planned.kind === 'planned') {
        return this.confirm(
          task,
          { ...slot, warehouseId: operation.warehouseId, date: planned.date },
          operation.id,
          planned.supplyId,
          planned.credentialId,
          note,
        );
      }
      if (planned.kind === 'unknown') throw planned.failure;
      // Not planned: the earlier call did not book. The same cell may be tried again under the same reservation; a
      // different one first gives that reservation back.
      resume = operation.warehouseId === slot.warehouseId && operation.date === slot.date;
      if (!resume || settleOnly) {
        const why = settleOnly
          ? 'WB did not book it; the seller stopped the task'
          : 'WB did not book it; the task moved on to another slot';
        await this.settle({ bookingId: operation.id, note }, task.userId, why);
        operation = await orm.em.fork().findOne(BookingResult, { idempotencyKey: key });
        resume = false;
      }
    }
    if (settleOnly) return { type: 'gone' };
    // A cell this operation gave up on (too many failed plan/add calls) stays refused for a cool-down, across restarts.
    if (operation && !resume && isSameCell(operation, slot) && operation.wbCalls >= MAX_PLAN_ADD_PER_ATTEMPT) {
      const until = operation.updatedAt.getTime() + REFUSED_CELL_COOLDOWN_MS;
      if (until > this.now()) {
        this.forgetLater(task, slot, until);
        return { type: 'gone' };
      }
    }
    if (sessions.length === 0) {
      return this.end(task, slot, {
        outcome: 'needs-action',
        reason: BOOKING_REASONS.noPortalSession,
        detail: 'no valid portal session',
        actionUrl: chooseDate,
      });
    }
    // Also on a retry of the same cell: a cheap read before plan/add, rather than a plan/add WB would refuse.
    const check = await this.checkCell(task, slot, preorderId, sessions);
    if (check.verdict === 'closed') {
      if (resume && operation) await this.settle({ bookingId: operation.id, note }, task.userId, 'the slot closed before WB booked it');
      return { type: 'gone' };
    }
    const askedBefore = resume && (operation?.wbCalls ?? 0) > 0;
    if (check.verdict === 'unknown' && check.local && !askedBefore) {
      // Our own limiter had no read turn for the seller (their acceptance-costs spacing was spent by the previous act or
      // the Mini App, or the account was busy): nothing reached WB. On a first try at the cell the check only spares a
      // plan/add WB would refuse, and a slot does not wait the 10 s until the next turn (issue 15: that was most of a
      // 10 s p99 from opened to booked), so book on the feed's fresh picture; plan/add keeps its own spacing, cool-downs
      // and 3-call budget. A retry of a cell whose plan/add already reached WB waits for the check: it may have closed
      // since (a retry after our own limiter refused the plan/add, nothing sent, does not).
      this.deps.logger.info(
        { event: 'act.unchecked', taskId: task.taskId, ...slot, detail: check.detail },
        'booking without the cell check',
      );
    } else if (check.verdict === 'unknown') {
      throw {
        kind: check.retryAfterMs ? 'rate_limited' : 'transient',
        reason: `could not confirm the cell before booking: ${check.detail}`,
        ...(check.retryAfterMs ? { retryAfterMs: check.retryAfterMs } : {}),
        ...(check.local ? { local: true } : {}),
      } satisfies ProbeFailure;
    }
    sessions = await this.sessionsOf(task);

    // 1. Reserve a credit and write the pending operation, together, before anything reaches WB.
    const prepared = await orm.em.fork().transactional(async (em) => {
      await checkFence(em, task);
      const existing = await em.findOne(BookingResult, { idempotencyKey: key }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (existing?.status === 'confirmed') return { bookingId: existing.id, status: 'confirmed' as const };
      if (existing?.status === 'pending') {
        return { bookingId: existing.id, status: 'pending' as const };
      }
      const bucket = await reserveCredit(em, task.userId, note);
      if (!bucket) return { noCredits: true as const };
      if (existing) {
        // The operation's next slot attempt: same row, same key; the plan/add count restarts with a new cell.
        if (!isSameCell(existing, slot) || existing.wbCalls >= MAX_PLAN_ADD_PER_ATTEMPT) existing.wbCalls = 0;
        existing.status = 'pending';
        existing.error = null;
        existing.warehouseId = slot.warehouseId;
        existing.date = slot.date;
        existing.coefficient = slot.coefficient;
        existing.reservation = bucket.bucket;
        return { bookingId: existing.id, status: 'pending' as const };
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
        reservation: bucket.bucket,
        wbCalls: 0,
      });
      return { bookingId: booking.id, status: 'pending' as const };
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

    // 2. Book with the first portal session WB accepts; every plan/add is counted before it is sent.
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
      if (!(await this.countPlanAdd(prepared.bookingId, task))) {
        // This cell had its plan/add calls: give it up for a cool-down rather than wear out the seller's account.
        await this.settle(attempt, task.userId, `gave up the slot after ${MAX_PLAN_ADD_PER_ATTEMPT} plan/add calls`);
        this.forgetLater(task, slot, this.now() + REFUSED_CELL_COOLDOWN_MS);
        this.deps.logger.warn({ event: 'booking.gave_up', taskId: task.taskId, ...slot }, 'plan/add budget of the slot spent');
        return { type: 'gone' };
      }
      try {
        // Never with a captcha token: WB's captcha is the seller's to pass (WB-API.md section 5).
        const supplyId = await this.deps.portal.planAdd(
          session,
          { preorderId, date: slot.date },
          { maxLimiterWaitMs: ACT_LIMITER_WAIT_MS, timeoutMs: ACT_CALL_TIMEOUT_MS },
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
          // Ours only if our operation had already asked WB (the row was pending before this act, or WB took an
          // earlier plan/add of this one); a plan we never asked for is the seller's own, and the task stops.
          const planned = await this.plannedDate(session, preorderId).catch(() => undefined);
          if (planned && (planned.date === slot.date || (await this.askedBefore(prepared.bookingId)))) {
            return this.confirm(task, { ...slot, date: planned.date }, prepared.bookingId, planned.supplyId, credentialId, note);
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
        if (error instanceof WbRateLimitedError && error.source === 'local') {
          // Our own limiter refused before anything reached WB: nothing to reconcile, the call is not spent.
          await this.uncountPlanAdd(prepared.bookingId);
        }
        // Transient: the pending operation and its reservation stay; the task's next probe brings it back here, and
        // step 0 asks WB what became of this call before anything else.
        throw {
          kind: error instanceof WbRateLimitedError ? 'rate_limited' : 'transient',
          reason: error instanceof WbError ? error.message : 'booking failed unexpectedly',
          ...(error instanceof WbRateLimitedError ? rateLimitOf(error) : {}),
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
   * The slot of the task's pending booking operation, if one waits for reconciliation: the task's probe offers it as a
   * match whatever the feed shows now, so the act asks WB what became of it (and settles its credit) at once.
   */
  async pendingSlot(task: SupplyTaskRef): Promise<FoundSlot | undefined> {
    const preorderId = task.criteria.preorderId;
    if (!preorderId || this.noPending.has(task.taskId)) return undefined;
    const operation = await this.deps.orm.em
      .fork()
      .findOne(BookingResult, { idempotencyKey: operationKey(task.taskId, preorderId), status: 'pending' });
    if (!operation) {
      // Only an act of this task makes one pending, and only the instance running the task acts (fenced): until its
      // next act, the answer stands and the housekeeping probes of 10,000 tasks cost no query.
      if (this.noPending.size >= NO_PENDING_MEMORY_CAP) this.noPending.clear();
      this.noPending.add(task.taskId);
      return undefined;
    }
    return { warehouseId: operation.warehouseId, date: operation.date, coefficient: operation.coefficient ?? 0 };
  }

  /** The task was (re)claimed here: another instance may have left an operation pending since this one last looked. */
  adopted(taskId: string): void {
    this.noPending.delete(taskId);
  }

  /**
   * Pending operations no act will come back to (their task finished or is paused) are reconciled with WB here:
   * booked → confirmed and charged, not booked → released. Each row is claimed (its `updated_at` moved on) so
   * instances sweep different rows; the settlement itself is locked and happens once.
   */
  async sweep({ limit = 20, olderThanMs = SWEEP_AFTER_MS } = {}): Promise<{ confirmed: number; released: number }> {
    const conn = this.deps.orm.em.fork().getConnection();
    const claimed = await conn.execute<Array<{ id: string; user_id: string; task_id: string; preorder_id: string | null }>>(
      `update booking_results set updated_at = now() where id in (
         select b.id from booking_results b join monitoring_tasks t on t.id = b.task_id
         where b.status = 'pending' and b.updated_at < now() - ?::interval and t.state in ('done', 'idle')
         order by b.updated_at limit ? for update of b skip locked)
       returning id, user_id, task_id, preorder_id`,
      [`${olderThanMs} milliseconds`, limit],
    );
    let confirmed = 0;
    let released = 0;
    for (const row of claimed) {
      const userId = Number(row.user_id);
      const sessions = (await this.deps.credentials.portalSessions(userId)).map(({ credentialId, session }) => ({ credentialId, session }));
      const operation = await this.deps.orm.em.fork().findOne(BookingResult, row.id);
      if (!operation || operation.status !== 'pending') continue;
      const note = `booking:${operation.idempotencyKey}`;
      if (!row.preorder_id || sessions.length === 0) {
        // Nothing can be asked: with no session WB cannot have been asked either since the last one went.
        if (sessions.length === 0) {
          await this.settle({ bookingId: row.id, note }, userId, 'no portal session to reconcile with');
          released += 1;
        }
        continue;
      }
      const planned = await this.reconcileWith(sessions, row.preorder_id);
      if (planned.kind === 'unknown') continue;
      if (planned.kind === 'planned') {
        const criteria = { preorderId: row.preorder_id } as SupplyCriteria;
        await this.confirm(
          { taskId: row.task_id, userId, criteria },
          { warehouseId: operation.warehouseId, date: planned.date, coefficient: operation.coefficient ?? 0 },
          row.id,
          planned.supplyId,
          planned.credentialId,
          note,
        );
        confirmed += 1;
      } else {
        await this.settle({ bookingId: row.id, note }, userId, 'WB did not book it (reconciled by the sweeper)');
        released += 1;
      }
    }
    if (confirmed + released > 0) this.deps.logger.info({ event: 'booking.swept', confirmed, released }, 'pending bookings reconciled');
    return { confirmed, released };
  }

  /** What WB says of the preorder, with the first session it accepts. */
  private async reconcileWith(
    sessions: readonly Session[],
    preorderId: string,
  ): Promise<
    | { kind: 'planned'; date: string; supplyId: string; credentialId: string }
    | { kind: 'not-planned' }
    | { kind: 'unknown'; failure: ProbeFailure }
  > {
    for (const { credentialId, session } of sessions) {
      try {
        const planned = await this.plannedDate(session, preorderId);
        return planned ? { kind: 'planned', ...planned, credentialId } : { kind: 'not-planned' };
      } catch (error) {
        if (error instanceof WbUnauthorizedError) {
          await this.deps.credentials.markRejected(credentialId, 'WB rejected the portal session');
          continue;
        }
        return {
          kind: 'unknown',
          failure: {
            kind: error instanceof WbRateLimitedError ? 'rate_limited' : 'transient',
            reason: `could not ask WB about the earlier booking: ${error instanceof WbError ? error.message : 'unexpected failure'}`,
            ...(error instanceof WbRateLimitedError ? rateLimitOf(error) : {}),
          },
        };
      }
    }
    return { kind: 'unknown', failure: { kind: 'transient', reason: 'WB rejected every portal session' } };
  }

  /** Count one plan/add for the operation's slot attempt, before it is sent; false when its budget is spent. */
  private async countPlanAdd(bookingId: string, fence: LeaseFence): Promise<boolean> {
    return this.deps.orm.em.fork().transactional(async (em) => {
      // Fenced: an instance that lost the task sends no plan/add for it.
      await checkFence(em, fence);
      const rows = await em
        .getConnection()
        .execute<{ id: string }[]>(
          `update booking_results set wb_calls = wb_calls + 1 where id = ? and status = 'pending' and wb_calls < ? returning id`,
          [bookingId, MAX_PLAN_ADD_PER_ATTEMPT],
          'all',
          em.getTransactionContext(),
        );
      return rows.length === 1;
    });
  }

  private async uncountPlanAdd(bookingId: string): Promise<void> {
    await this.deps.orm.em
      .fork()
      .getConnection()
      .execute(`update booking_results set wb_calls = greatest(0, wb_calls - 1) where id = ?`, [bookingId]);
  }

  /** Whether an earlier plan/add of this operation may have reached WB (more than the one just refused). */
  private async askedBefore(bookingId: string): Promise<boolean> {
    const operation = await this.deps.orm.em.fork().findOne(BookingResult, bookingId);
    return (operation?.wbCalls ?? 0) > 1;
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
        return { verdict: 'unknown', detail, ...(error instanceof WbRateLimitedError ? rateLimitOf(error) : {}) };
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
  private forgetLater(task: SupplyTaskRef, slot: FoundSlot, until = this.now() + CLOSED_CELL_MEMORY_MS): void {
    const cells = this.closedCells.get(task.taskId) ?? new Map<string, number>();
    cells.set(slotKey(slot), Math.max(until, cells.get(slotKey(slot)) ?? 0));
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
      // Locked: a resume, the sweeper and a late act on another instance may confirm the same operation at once.
      const booking = await em.findOneOrFail(BookingResult, bookingId, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (booking.status === 'confirmed') return;
      booking.status = 'confirmed';
      booking.supplyId = supplyId;
      booking.date = slot.date;
      booking.error = null;
      booking.credential = em.getReference(Credential, credentialId);
      if (!(await settleOnce(em, booking, { userId: task.userId, note, outcome: 'commit', bookingId }))) {
        // Released earlier (the sweeper saw nothing at WB, then WB's late answer booked it): charge it now.
        const bucket = await reserveCredit(em, task.userId, note);
        if (bucket) await commitCredit(em, bucket, note, bookingId);
      }
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
  // Locked, and only from `pending`: a reservation is given back once however many paths end the same attempt.
  const booking = await em.findOneOrFail(BookingResult, attempt.bookingId, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (booking.status !== 'pending') return;
  booking.status = 'failed';
  booking.error = reason;
  await settleOnce(em, booking, { userId, note: attempt.note, outcome: 'release' });
}

/** WB's retry-after, and whether it was our own limiter (nothing reached WB) rather than WB. */
function rateLimitOf(error: WbRateLimitedError): { retryAfterMs: number; local?: true } {
  return { retryAfterMs: error.retryAfterMs, ...(error.source === 'local' ? { local: true as const } : {}) };
}

/** One booking operation per task and preorder: every slot attempt of the task reuses it. */
export function operationKey(taskId: string, preorderId: string): string {
  return `${taskId}:${preorderId}`;
}

function isSameCell(operation: { warehouseId: number; date: string }, slot: FoundSlot): boolean {
  return operation.warehouseId === slot.warehouseId && operation.date === slot.date;
}

/**
 * The preorder whose own view can confirm this slot: a preorder belongs to one warehouse, so only a task watching that
 * one warehouse (every autobook task, by construction) can ask it about the slot's cell.
 */
function checkablePreorder(task: SupplyTaskRef, slot: FoundSlot): string | undefined {
  const { preorderId, warehouseIds } = task.criteria;
  return preorderId && warehouseIds.length === 1 && warehouseIds[0] === slot.warehouseId ? preorderId : undefined;
}
