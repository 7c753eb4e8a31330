// Redistribution tasks: the same polling → acting shape as supply, over WB's transfer quotas (portal calls, per seller).
// A transfer is possible when stock, the source quota and the destination quota are all above zero, for
// min(wanted, stock, srcQuota, dstQuota) units; the order is placed the moment that becomes true.
// `transfer/order` carries WB's captcha like `plan/add`: we never solve or forge it, so an order that meets one ends the
// task at once as needs-action with a link to the portal's redistribution page, the credit given back.
import { LockMode, type MikroORM } from '@mikro-orm/postgresql';
import { moscowToday, type RedistributionCriteria } from '@slotpilot/shared';
import type { Logger } from 'pino';
import type { CredentialService } from '../accounts/credential-service.ts';
import { reserveCredit, settleOnce } from '../accounts/credit-ledger.ts';
import { Credential } from '../db/entities/credential.ts';
import { MonitoringTask } from '../db/entities/monitoring-task.ts';
import { RedistributionOrder } from '../db/entities/redistribution-order.ts';
import { User } from '../db/entities/user.ts';
import { enqueueNotification } from '../notify/outbox.ts';
import { WbError, WbNeedsSellerActionError, WbPortalError, WbRateLimitedError, WbUnauthorizedError } from '../wb/errors.ts';
import type { WbPortalClient } from '../wb/portal-client.ts';
import type { TransferQuota, TransferStock } from '../wb/portal-schemas.ts';
import { checkFence } from './lease-fence.ts';
import type { ActResult, ProbeFailure, ProbeResult } from './machine.ts';
import { ACT_CALL_TIMEOUT_MS } from './supply-act.ts';
import { TransferReads } from './transfer-reads.ts';

/**
 * Where a seller orders a transfer themselves in the portal. A guess: no public source shows the redistribution page's
 * address; this is the stock report (where public 2026 write-ups say "перераспределение" lives) on its redistribution tab.
 */
export const REDISTRIBUTION_PAGE_URL = 'https://seller.wildberries.ru/analytics-reports/warehouse-remains?tab=redistribution';

/** Why a transfer ended without an order: machine codes, said in the seller's language by the bot and the Mini App. */
export const TRANSFER_REASONS = {
  captchaRequired: 'transfer_captcha_required',
  loginRequired: 'portal_login_required',
  noPortalSession: 'no_portal_session',
  sessionsRejected: 'portal_session_rejected',
  /** A pending order from before a restart: WB offers no way to look a transfer up, so the seller checks. */
  unsure: 'transfer_unsure',
  refused: 'portal_refused',
} as const;

/** How long the act waits for the seller's portal limiter: quotas do not wait for long. */
const ACT_LIMITER_WAIT_MS = 3_000;

export interface RedistributionTaskRef {
  taskId: string;
  userId: number;
  criteria: RedistributionCriteria;
  /** The lease epoch the running instance holds (fencing); absent when the sweeper acts for a finished task. */
  epoch?: number;
}

/** Units that could move now. */
export function transferableUnits(criteria: RedistributionCriteria, stock: TransferStock, quotas: readonly TransferQuota[]): number {
  const item = stock
    .find((t) => t.nmID === criteria.nmId)
    ?.chrts.find((c) => c.chrtID === criteria.chrtId && c.warehouseID === criteria.srcWarehouseId);
  const src = quotas.find((q) => q.officeID === criteria.srcWarehouseId)?.srcQuota ?? 0;
  const dst = quotas.find((q) => q.officeID === criteria.dstWarehouseId)?.dstQuota ?? 0;
  return Math.max(0, Math.min(criteria.units, item?.count ?? 0, src, dst));
}

/** One transfer operation per task (a task moves one article once). */
export function transferKey(taskId: string): string {
  return `${taskId}:transfer`;
}

/** The article's stock at the task's source warehouse, as WB's transfer list shows it. */
function sourceStock(criteria: RedistributionCriteria, stock: TransferStock): number {
  return (
    stock
      .find((t) => t.nmID === criteria.nmId)
      ?.chrts.find((c) => c.chrtID === criteria.chrtId && c.warehouseID === criteria.srcWarehouseId)?.count ?? 0
  );
}

function toFailure(error: unknown): ProbeFailure {
  if (error instanceof WbNeedsSellerActionError) {
    return {
      kind: 'needs_action',
      reason: error.reason === 'captcha' ? TRANSFER_REASONS.captchaRequired : TRANSFER_REASONS.loginRequired,
      actionUrl: error.actionUrl ?? REDISTRIBUTION_PAGE_URL,
    };
  }
  if (error instanceof WbRateLimitedError) {
    return {
      kind: 'rate_limited',
      reason: error.message,
      retryAfterMs: error.retryAfterMs,
      ...(error.source === 'local' ? { local: true } : {}),
    };
  }
  return { kind: 'transient', reason: error instanceof WbError ? error.message : 'unexpected failure' };
}

export interface RedistributionDeps {
  orm: MikroORM;
  portal: WbPortalClient;
  credentials: CredentialService;
  logger: Logger;
  /** How long one portal read answers for every task of a seller account (default TRANSFER_READ_INTERVAL_MS). */
  readIntervalMs?: number;
}

export class Redistribution {
  /** The probes' reads, coalesced per seller account (and article); the act reads for itself, fresh. */
  private readonly reads: TransferReads;
  /** Tasks whose route was open at their last probe here: only an opening is announced. */
  private readonly open = new Set<string>();

  constructor(private readonly deps: RedistributionDeps) {
    this.reads = new TransferReads(deps.portal, deps.readIntervalMs);
  }

  async probe(task: RedistributionTaskRef): Promise<ProbeResult> {
    const sessions = await this.deps.credentials.portalSessions(task.userId);
    if (sessions.length === 0) throw { kind: 'needs_action', reason: TRANSFER_REASONS.noPortalSession } satisfies ProbeFailure;
    for (const session of sessions) {
      try {
        // One after the other: the portal limiter never lets two calls of one seller run at once anyway.
        const stock = await this.reads.stock(session.credentialId, session.session, task.criteria.nmId);
        const quotas = await this.reads.limits(session.credentialId, session.session);
        const units = transferableUnits(task.criteria, stock, quotas);
        if (units > 0 && !this.open.has(task.taskId)) await this.announceOpening(task, stock, quotas, units);
        if (units > 0) this.open.add(task.taskId);
        else this.open.delete(task.taskId);
        const dstQuota = quotas.find((q) => q.officeID === task.criteria.dstWarehouseId)?.dstQuota ?? 0;
        const best = { warehouseId: task.criteria.dstWarehouseId, date: moscowToday(), coefficient: dstQuota };
        // For a transfer, the "slot" is the destination warehouse today; its coefficient field carries the units.
        return units > 0 ? { type: 'match', slot: { ...best, coefficient: units }, best } : { type: 'none', best };
      } catch (error) {
        if (error instanceof WbUnauthorizedError) {
          await this.deps.credentials.markRejected(session.credentialId, 'WB rejected the portal session');
          continue;
        }
        throw toFailure(error);
      }
    }
    throw { kind: 'needs_action', reason: TRANSFER_REASONS.sessionsRejected } satisfies ProbeFailure;
  }

  /**
   * Tell the seller the route's limits appeared (issue 17: `redistribution_quota_open`, rendered by the bot), once per
   * task: the task orders the transfer itself right after. A failure to enqueue is logged; the probe goes on.
   */
  private async announceOpening(task: RedistributionTaskRef, stock: TransferStock, quotas: readonly TransferQuota[], units: number) {
    const { criteria } = task;
    const src = quotas.find((q) => q.officeID === criteria.srcWarehouseId);
    const dst = quotas.find((q) => q.officeID === criteria.dstWarehouseId);
    const sourceName = stock
      .find((t) => t.nmID === criteria.nmId)
      ?.chrts.find((c) => c.warehouseID === criteria.srcWarehouseId && c.warehouseName)?.warehouseName;
    const payload: Record<string, unknown> = {
      taskId: task.taskId,
      nmId: criteria.nmId,
      chrtId: criteria.chrtId,
      ...(criteria.sizeName ? { sizeName: criteria.sizeName } : {}),
      fromWarehouseId: criteria.srcWarehouseId,
      fromWarehouseName: src?.officeName || sourceName || '',
      toWarehouseId: criteria.dstWarehouseId,
      toWarehouseName: dst?.officeName ?? '',
      availableUnits: units,
      srcQuota: src?.srcQuota ?? 0,
      dstQuota: dst?.dstQuota ?? 0,
    };
    try {
      await this.deps.orm.em.fork().transactional((em) =>
        enqueueNotification(em, {
          userId: task.userId,
          kind: 'redistribution_quota_open',
          payload,
          dedupeKey: `redistribution_quota_open:${task.taskId}`,
        }),
      );
    } catch (err) {
      this.deps.logger.warn({ event: 'transfer.quota_open_not_queued', taskId: task.taskId, err }, 'could not queue the limits alert');
    }
  }

  /**
   * Place the transfer order once. The quotas are read first (nothing held); then the pending order row and the credit
   * reservation are written together right before `transfer/order` is sent, with the source stock seen just before.
   * A pending row found later (a crash, a hang, a 5xx) is reconciled with WB's stock: the goods left the source → it was
   * placed (charged); the stock is untouched → it was not (released, and the task carries on without an alarm).
   */
  async act(task: RedistributionTaskRef, { settleOnly = false } = {}): Promise<ActResult> {
    const key = transferKey(task.taskId);
    const note = `transfer:${key}`;
    const { orm } = this.deps;
    const sessions = await this.deps.credentials.portalSessions(task.userId);
    const existing = await orm.em.fork().findOne(RedistributionOrder, { idempotencyKey: key });
    if (existing?.status === 'placed') return { type: 'booked' };
    if (existing?.status === 'pending') {
      const reconciled = await this.reconcile(task, existing, sessions);
      if (reconciled) return reconciled;
    }
    // The seller stopped the task before an earlier run finished: settle (above), order nothing new.
    if (settleOnly) return { type: 'gone' };

    const session = sessions[0];
    if (!session) {
      return this.end(task, { result: 'needs-action', reason: TRANSFER_REASONS.noPortalSession, detail: 'no valid portal session' });
    }
    const wait = { maxLimiterWaitMs: ACT_LIMITER_WAIT_MS };
    let prepared: { kind: 'new'; orderId: string } | { kind: 'placed' } | { kind: 'no-credits' };
    let units: number;
    try {
      // Quotas move fast: decide the units from a fresh read. A failure here has reached nothing at WB.
      const stock = await this.deps.portal.transferStock(session.session, [task.criteria.nmId], wait);
      const quotas = await this.deps.portal.transferLimits(session.session, wait);
      units = transferableUnits(task.criteria, stock, quotas);
      if (units === 0) return { type: 'gone' };
      const stockBefore = sourceStock(task.criteria, stock);
      prepared = await orm.em.fork().transactional(async (em) => {
        // Fenced: an instance that lost the task holds no credit and orders nothing for it.
        await checkFence(em, task);
        const row = await em.findOne(RedistributionOrder, { idempotencyKey: key }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (row?.status === 'placed') return { kind: 'placed' as const };
        const bucket = await reserveCredit(em, task.userId, note);
        if (!bucket) return { kind: 'no-credits' as const };
        const fields = {
          units,
          status: 'pending' as const,
          error: null,
          reservation: bucket.bucket,
          sentAt: new Date(),
          stockBefore,
          credential: em.getReference(Credential, session.credentialId),
        };
        if (row) {
          em.assign(row, fields);
          return { kind: 'new' as const, orderId: row.id as string };
        }
        const order = em.create(RedistributionOrder, {
          task: em.getReference(MonitoringTask, task.taskId),
          user: em.getReference(User, task.userId),
          nmId: task.criteria.nmId,
          chrtId: task.criteria.chrtId,
          sizeName: task.criteria.sizeName ?? null,
          srcWarehouseId: task.criteria.srcWarehouseId,
          dstWarehouseId: task.criteria.dstWarehouseId,
          idempotencyKey: key,
          ...fields,
        });
        return { kind: 'new' as const, orderId: order.id as string };
      });
    } catch (error) {
      if (error instanceof WbUnauthorizedError) {
        await this.deps.credentials.markRejected(session.credentialId, 'WB rejected the portal session');
        return { type: 'gone' };
      }
      throw toFailure(error);
    }
    if (prepared.kind === 'placed') return { type: 'booked' };
    if (prepared.kind === 'no-credits') return { type: 'no-credits' };
    const orderId = prepared.orderId;
    try {
      // Never with a captcha token: WB's captcha is the seller's to pass (WB-API.md section 5).
      const requestId = await this.deps.portal.transferOrder(
        session.session,
        {
          nmId: task.criteria.nmId,
          srcOfficeId: task.criteria.srcWarehouseId,
          dstOfficeId: task.criteria.dstWarehouseId,
          chrtId: task.criteria.chrtId,
          count: units,
        },
        { ...wait, timeoutMs: ACT_CALL_TIMEOUT_MS },
      );
      await this.place(task, orderId, requestId, note);
      this.deps.logger.info({ event: 'transfer.placed', taskId: task.taskId, units, requestId }, 'transfer order placed');
      return { type: 'booked' };
    } catch (error) {
      if (error instanceof WbPortalError && error.kind === 'quota_exceeded')
        return this.settle(task, orderId, note, { result: 'gone', detail: error.message });
      if (error instanceof WbPortalError) {
        return this.settle(task, orderId, note, { result: 'failed', reason: TRANSFER_REASONS.refused, detail: error.message });
      }
      if (error instanceof WbNeedsSellerActionError) {
        const captcha = error.reason === 'captcha';
        return this.settle(task, orderId, note, {
          result: 'needs-action',
          reason: captcha ? TRANSFER_REASONS.captchaRequired : TRANSFER_REASONS.loginRequired,
          detail: error.message,
          actionUrl: captcha ? REDISTRIBUTION_PAGE_URL : (error.actionUrl ?? REDISTRIBUTION_PAGE_URL),
        });
      }
      if (error instanceof WbUnauthorizedError) {
        // Nothing was ordered with a session WB refused: give the credit back; the next probe uses the next session.
        await this.deps.credentials.markRejected(session.credentialId, 'WB rejected the portal session');
        return this.settle(task, orderId, note, { result: 'gone', detail: 'WB rejected the portal session' });
      }
      if (error instanceof WbRateLimitedError) {
        // A 429 (WB's or our limiter's) is answered before WB does anything: nothing was ordered, nothing is held.
        await this.settle(task, orderId, note, { result: 'gone', detail: error.message });
        throw toFailure(error);
      }
      // A 5xx or a timeout: WB may or may not have the order. The row stays pending with its reservation; the next act
      // (or the sweeper) reconciles it with WB's stock before anything else.
      throw toFailure(error);
    }
  }

  /**
   * A pending order from an earlier act: was it placed? WB lists no transfers, but a placed one takes the units off the
   * source warehouse's stock. Untouched stock → not placed (released; the act goes on); stock down by the units → placed
   * (charged); anything else (or a row from before stocks were kept) → the seller checks.
   * Returns the act's result when the reconciliation ends the act, undefined when the act goes on.
   */
  private async reconcile(
    task: RedistributionTaskRef,
    order: RedistributionOrder,
    sessions: ReadonlyArray<{ credentialId: string; session: string }>,
  ): Promise<ActResult | undefined> {
    const note = `transfer:${order.idempotencyKey}`;
    const session = sessions[0];
    if (!session) {
      return this.settle(task, order.id, note, {
        result: 'needs-action',
        reason: TRANSFER_REASONS.noPortalSession,
        detail: 'no valid portal session',
      });
    }
    if (order.stockBefore === null || order.stockBefore === undefined) {
      return this.settle(task, order.id, note, {
        result: 'needs-action',
        reason: TRANSFER_REASONS.unsure,
        detail: 'a transfer may have been placed just before a restart: check it in the WB portal',
        actionUrl: REDISTRIBUTION_PAGE_URL,
      });
    }
    let now: number;
    try {
      now = sourceStock(
        task.criteria,
        await this.deps.portal.transferStock(session.session, [task.criteria.nmId], { maxLimiterWaitMs: ACT_LIMITER_WAIT_MS }),
      );
    } catch (error) {
      throw toFailure(error);
    }
    if (now >= order.stockBefore) {
      await this.settle(task, order.id, note, { result: 'gone', detail: 'WB did not take the order (stock untouched)' });
      return undefined;
    }
    if (order.stockBefore - now >= order.units) {
      await this.place(task, order.id, undefined, note);
      this.deps.logger.info({ event: 'transfer.reconciled', taskId: task.taskId, units: order.units }, 'pending transfer found placed');
      return { type: 'booked' };
    }
    return this.settle(task, order.id, note, {
      result: 'needs-action',
      reason: TRANSFER_REASONS.unsure,
      detail: 'a transfer may have been placed: the stock moved by less than the order; check it in the WB portal',
      actionUrl: REDISTRIBUTION_PAGE_URL,
    });
  }

  /** Pending orders of finished or paused tasks, reconciled with WB's stock (see `reconcile`); one settlement each. */
  async sweep({ limit = 20, olderThanMs = 30_000 } = {}): Promise<void> {
    const conn = this.deps.orm.em.fork().getConnection();
    const claimed = await conn.execute<Array<{ id: string }>>(
      `update redistribution_orders set updated_at = now() where id in (
         select o.id from redistribution_orders o join monitoring_tasks t on t.id = o.task_id
         where o.status = 'pending' and o.updated_at < now() - ?::interval and t.state in ('done', 'idle')
         order by o.updated_at limit ? for update of o skip locked)
       returning id`,
      [`${olderThanMs} milliseconds`, limit],
    );
    for (const { id } of claimed) {
      const order = await this.deps.orm.em.fork().findOne(RedistributionOrder, id, { populate: ['task'] });
      if (!order || order.status !== 'pending') continue;
      const task: RedistributionTaskRef = {
        taskId: order.task.id,
        userId: order.task.user.id,
        criteria: order.task.criteria as unknown as RedistributionCriteria,
      };
      try {
        await this.reconcile(task, order, await this.deps.credentials.portalSessions(task.userId));
      } catch (error) {
        this.deps.logger.warn({ event: 'transfer.sweep_failed', taskId: task.taskId, failure: error }, 'could not reconcile a transfer');
      }
    }
  }

  /** The order is placed: recorded, the reservation committed and the seller told, once (the row is locked). */
  private async place(task: RedistributionTaskRef, orderId: string, requestId: string | undefined, note: string): Promise<void> {
    await this.deps.orm.em.fork().transactional(async (em) => {
      const order = await em.findOneOrFail(RedistributionOrder, orderId, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (order.status === 'placed') return;
      order.status = 'placed';
      order.wbRequestId = requestId ?? null;
      order.error = null;
      await settleOnce(em, order, { userId: task.userId, note, outcome: 'commit' });
      await enqueueNotification(em, {
        userId: task.userId,
        kind: 'redistribution_done',
        // The 2026 portal answers a waybill, not a request id: the message then shows a dash.
        payload: {
          taskId: task.taskId,
          from: task.criteria.srcWarehouseId,
          to: task.criteria.dstWarehouseId,
          units: order.units,
          requestId: requestId ?? '—',
        },
        dedupeKey: `redistribution_done:${order.id}`,
      });
    });
  }

  /** The task ends without an order (nothing pending): the seller is told. */
  private async end(
    task: RedistributionTaskRef,
    how: { result: 'failed' | 'needs-action'; reason: string; detail: string; actionUrl?: string },
  ): Promise<ActResult> {
    await this.deps.orm.em.fork().transactional((em) =>
      enqueueNotification(em, {
        userId: task.userId,
        kind: how.result === 'failed' ? 'task_failed' : 'needs_action',
        payload: {
          taskId: task.taskId,
          reason: how.reason,
          detail: how.detail,
          warehouseId: task.criteria.dstWarehouseId,
          ...(how.actionUrl ? { actionUrl: how.actionUrl } : {}),
        },
        dedupeKey: `${how.result}:${task.taskId}`,
      }),
    );
    return how.result === 'failed'
      ? { type: 'failed', reason: how.reason }
      : { type: 'needs-action', reason: how.reason, actionUrl: how.actionUrl ?? REDISTRIBUTION_PAGE_URL };
  }

  /**
   * Close the pending order without a transfer and give the credit back; unless the quota merely went, tell the seller in
   * the same transaction (a machine code as the reason, the English detail for the log).
   */
  private async settle(
    task: RedistributionTaskRef,
    orderId: string,
    note: string,
    how: { result: 'gone'; detail: string } | { result: 'failed' | 'needs-action'; reason: string; detail: string; actionUrl?: string },
  ): Promise<ActResult> {
    await this.deps.orm.em.fork().transactional(async (em) => {
      const order = await em.findOneOrFail(RedistributionOrder, orderId, { lockMode: LockMode.PESSIMISTIC_WRITE });
      // Settled once: a second path ending the same order (a resume, the sweeper) finds it no longer pending.
      if (order.status !== 'pending') return;
      await settleOnce(em, order, { userId: task.userId, note, outcome: 'release' });
      // Nothing was ordered: the row is kept as failed (its stock and history), and the next opening reuses it.
      order.status = 'failed';
      order.error = how.detail;
      if (how.result !== 'gone') {
        await enqueueNotification(em, {
          userId: task.userId,
          kind: how.result === 'failed' ? 'task_failed' : 'needs_action',
          payload: {
            taskId: task.taskId,
            reason: how.reason,
            detail: how.detail,
            warehouseId: task.criteria.dstWarehouseId,
            ...(how.actionUrl ? { actionUrl: how.actionUrl } : {}),
          },
          dedupeKey: `${how.result}:${task.taskId}`,
        });
      }
    });
    if (how.result === 'gone') return { type: 'gone' };
    this.deps.logger.warn(
      { event: 'transfer.ended', taskId: task.taskId, outcome: how.result, reason: how.reason, detail: how.detail },
      'transfer order did not happen',
    );
    return how.result === 'failed'
      ? { type: 'failed', reason: how.reason }
      : { type: 'needs-action', reason: how.reason, actionUrl: how.actionUrl ?? REDISTRIBUTION_PAGE_URL };
  }
}
