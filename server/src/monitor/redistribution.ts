// Redistribution tasks: the same polling → acting shape as supply, over WB's transfer quotas (portal calls, per seller).
// A transfer is possible when stock, the source quota and the destination quota are all above zero, for
// min(wanted, stock, srcQuota, dstQuota) units; the order is placed the moment that becomes true.
// `transfer/order` carries WB's captcha like `plan/add`: we never solve or forge it, so an order that meets one ends the
// task at once as needs-action with a link to the portal's redistribution page, the credit given back.
import type { MikroORM } from '@mikro-orm/postgresql';
import { moscowToday, type RedistributionCriteria } from '@slotpilot/shared';
import type { Logger } from 'pino';
import type { CredentialService } from '../accounts/credential-service.ts';
import { commitCredit, findOpenReservation, releaseCredit, reserveCredit } from '../accounts/credit-ledger.ts';
import { Credential } from '../db/entities/credential.ts';
import { MonitoringTask } from '../db/entities/monitoring-task.ts';
import { RedistributionOrder } from '../db/entities/redistribution-order.ts';
import { User } from '../db/entities/user.ts';
import { enqueueNotification } from '../notify/outbox.ts';
import { WbError, WbNeedsSellerActionError, WbPortalError, WbRateLimitedError, WbUnauthorizedError } from '../wb/errors.ts';
import type { WbPortalClient } from '../wb/portal-client.ts';
import type { TransferQuota, TransferStock } from '../wb/portal-schemas.ts';
import type { ActResult, ProbeFailure, ProbeResult } from './machine.ts';

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

function toFailure(error: unknown): ProbeFailure {
  if (error instanceof WbNeedsSellerActionError) {
    return {
      kind: 'needs_action',
      reason: error.reason === 'captcha' ? TRANSFER_REASONS.captchaRequired : TRANSFER_REASONS.loginRequired,
      actionUrl: error.actionUrl ?? REDISTRIBUTION_PAGE_URL,
    };
  }
  if (error instanceof WbRateLimitedError) return { kind: 'rate_limited', reason: error.message, retryAfterMs: error.retryAfterMs };
  return { kind: 'transient', reason: error instanceof WbError ? error.message : 'unexpected failure' };
}

export class Redistribution {
  constructor(private readonly deps: { orm: MikroORM; portal: WbPortalClient; credentials: CredentialService; logger: Logger }) {}

  async probe(task: RedistributionTaskRef): Promise<ProbeResult> {
    const sessions = await this.deps.credentials.portalSessions(task.userId);
    if (sessions.length === 0) throw { kind: 'needs_action', reason: TRANSFER_REASONS.noPortalSession } satisfies ProbeFailure;
    for (const session of sessions) {
      try {
        // One after the other: the portal limiter never lets two calls of one seller run at once anyway.
        const stock = await this.deps.portal.transferStock(session.session, [task.criteria.nmId]);
        const quotas = await this.deps.portal.transferLimits(session.session);
        const units = transferableUnits(task.criteria, stock, quotas);
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

  /** Place the transfer order once: a pending order row with a unique key is written before WB is called. */
  async act(task: RedistributionTaskRef): Promise<ActResult> {
    const key = `${task.taskId}:transfer`;
    const note = `transfer:${key}`;
    const { orm } = this.deps;
    const prepared = await orm.em.fork().transactional(async (em) => {
      const existing = await em.findOne(RedistributionOrder, { idempotencyKey: key });
      if (existing?.status === 'placed') return { kind: 'placed' as const, orderId: existing.id as string };
      // A pending order from before a restart: WB offers no way to look a transfer up, so ordering again could move the
      // goods twice. Ask the seller to check instead.
      if (existing) return { kind: 'unsure' as const, orderId: existing.id as string };
      const reservation = await reserveCredit(em, task.userId, note);
      if (!reservation) return { kind: 'no-credits' as const, orderId: '' };
      const order = em.create(RedistributionOrder, {
        task: em.getReference(MonitoringTask, task.taskId),
        user: em.getReference(User, task.userId),
        nmId: task.criteria.nmId,
        chrtId: task.criteria.chrtId,
        sizeName: task.criteria.sizeName ?? null,
        srcWarehouseId: task.criteria.srcWarehouseId,
        dstWarehouseId: task.criteria.dstWarehouseId,
        units: 0,
        status: 'pending',
        idempotencyKey: key,
      });
      return { kind: 'new' as const, orderId: order.id as string };
    });
    if (prepared.kind === 'placed') return { type: 'booked' };
    if (prepared.kind === 'unsure') {
      return this.settle(task, prepared.orderId, note, {
        result: 'needs-action',
        reason: TRANSFER_REASONS.unsure,
        detail: 'a transfer may have been placed just before a restart: check it in the WB portal',
        actionUrl: REDISTRIBUTION_PAGE_URL,
      });
    }
    if (prepared.kind === 'no-credits') return { type: 'no-credits' };

    const session = (await this.deps.credentials.portalSessions(task.userId))[0];
    if (!session) {
      return this.settle(task, prepared.orderId, note, {
        result: 'needs-action',
        reason: TRANSFER_REASONS.noPortalSession,
        detail: 'no valid portal session',
      });
    }
    const wait = { maxLimiterWaitMs: ACT_LIMITER_WAIT_MS };
    try {
      // Quotas move fast: decide the units from a fresh read, then order at once.
      const stock = await this.deps.portal.transferStock(session.session, [task.criteria.nmId], wait);
      const quotas = await this.deps.portal.transferLimits(session.session, wait);
      const units = transferableUnits(task.criteria, stock, quotas);
      if (units === 0) return this.settle(task, prepared.orderId, note, { result: 'gone', detail: 'the quota closed before the order' });
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
        wait,
      );
      await orm.em.fork().transactional(async (em) => {
        const order = await em.findOneOrFail(RedistributionOrder, prepared.orderId);
        order.status = 'placed';
        order.units = units;
        order.wbRequestId = requestId ?? null;
        order.credential = em.getReference(Credential, session.credentialId);
        const reservation = await findOpenReservation(em, task.userId, note);
        if (reservation) await commitCredit(em, reservation, note);
        await enqueueNotification(em, {
          userId: task.userId,
          kind: 'redistribution_done',
          // The 2026 portal answers a waybill, not a request id: the message then shows a dash.
          payload: {
            taskId: task.taskId,
            from: task.criteria.srcWarehouseId,
            to: task.criteria.dstWarehouseId,
            units,
            requestId: requestId ?? '—',
          },
          dedupeKey: `redistribution_done:${order.id}`,
        });
      });
      this.deps.logger.info({ event: 'transfer.placed', taskId: task.taskId, units, requestId }, 'transfer order placed');
      return { type: 'booked' };
    } catch (error) {
      if (error instanceof WbPortalError && error.kind === 'quota_exceeded')
        return this.settle(task, prepared.orderId, note, { result: 'gone', detail: error.message });
      if (error instanceof WbPortalError) {
        return this.settle(task, prepared.orderId, note, { result: 'failed', reason: TRANSFER_REASONS.refused, detail: error.message });
      }
      if (error instanceof WbNeedsSellerActionError) {
        const captcha = error.reason === 'captcha';
        return this.settle(task, prepared.orderId, note, {
          result: 'needs-action',
          reason: captcha ? TRANSFER_REASONS.captchaRequired : TRANSFER_REASONS.loginRequired,
          detail: error.message,
          actionUrl: captcha ? REDISTRIBUTION_PAGE_URL : (error.actionUrl ?? REDISTRIBUTION_PAGE_URL),
        });
      }
      if (error instanceof WbUnauthorizedError) {
        // Nothing was ordered with a session WB refused: give the credit back; the next probe uses the next session.
        await this.deps.credentials.markRejected(session.credentialId, 'WB rejected the portal session');
        return this.settle(task, prepared.orderId, note, { result: 'gone', detail: 'WB rejected the portal session' });
      }
      throw toFailure(error);
    }
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
      const order = await em.findOneOrFail(RedistributionOrder, orderId);
      if (how.result === 'gone') {
        // Nothing was ordered: remove the pending row so the next opening starts clean.
        em.remove(order);
      } else {
        order.status = 'failed';
        order.error = how.detail;
      }
      const reservation = await findOpenReservation(em, task.userId, note);
      if (reservation) await releaseCredit(em, reservation, note);
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
