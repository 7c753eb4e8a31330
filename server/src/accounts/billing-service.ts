// Credits bought with Telegram Stars: packs, invoices, the pre-checkout check, crediting a payment exactly once per
// Telegram charge id, and admins' refunds. Telegram itself is reached through a small port the bot implements.
import { type EntityManager, LockMode, type MikroORM } from '@mikro-orm/postgresql';
import { type BillingPack, creditsLabel, DomainError, invoiceDescription, type Language, STARS_CURRENCY } from '@slotpilot/shared';
import type { Logger } from 'pino';
import { z } from 'zod';
import { LedgerEntry } from '../db/entities/ledger-entry.ts';
import { Payment } from '../db/entities/payment.ts';
import { User } from '../db/entities/user.ts';
import { enqueueNotification } from '../notify/outbox.ts';
import { findPack, invoicePayload, PACKS, type PackDefinition, packView, parseInvoicePayload } from './billing-packs.ts';

export interface StarsInvoice {
  title: string;
  description: string;
  payload: string;
  currency: typeof STARS_CURRENCY;
  prices: Array<{ label: string; amount: number }>;
}

/** What billing needs from Telegram (the bot's API client implements it). */
export interface StarsGateway {
  createInvoiceLink(invoice: StarsInvoice): Promise<string>;
  /** Resolves when Telegram has refunded the charge, or had already refunded it before. */
  refundStarPayment(userId: number, chargeId: string): Promise<void>;
  /** The bot's Star transactions, oldest first, from `offset` (getStarTransactions; at most 100 at a time). */
  starTransactions(offset: number, limit: number): Promise<unknown[]>;
}

/**
 * The parts of a Star transaction reconciliation reads (Bot API StarTransaction). An incoming invoice payment's id is
 * its `telegram_payment_charge_id`; a refund is an outgoing transaction with the id of the payment it refunds.
 */
export const StarTransaction = z.object({
  id: z.string().min(1).max(256),
  amount: z.number().int().nonnegative(),
  date: z.number().int(),
  source: z
    .object({
      type: z.string(),
      transaction_type: z.string().optional(),
      user: z
        .object({
          id: z.number().int(),
          first_name: z.string(),
          last_name: z.string().optional(),
          username: z.string().optional(),
          language_code: z.string().optional(),
        })
        .optional(),
      invoice_payload: z.string().optional(),
    })
    .optional(),
  receiver: z.object({ type: z.string(), user: z.object({ id: z.number().int() }).optional() }).optional(),
});
export type StarTransaction = z.infer<typeof StarTransaction>;

/** What reconciling one transaction did. */
export type ReconcileOutcome = 'credited' | 'refused' | 'refunded' | 'known' | 'ignored';

/** Telegram refused the refund; `reason` is its description. */
export class RefundRejectedError extends Error {
  constructor(readonly reason: string) {
    super(`Telegram refused the refund: ${reason}`);
    this.name = 'RefundRejectedError';
  }
}

export type CheckoutProblem = 'unknown_pack' | 'price_changed' | 'wrong_currency';

export interface SuccessfulPayment {
  userId: number;
  chargeId: string;
  providerChargeId?: string | undefined;
  payload: string;
  currency: string;
  totalAmount: number;
}

export interface PaymentRecorded {
  /** False when this charge id was already credited (Telegram delivered the update again) or the payment was refused. */
  credited: boolean;
  /** The payment did not match a pack on sale (pack, currency XTR, exact price): nothing credited, refunded at once. */
  refused?: { problem: CheckoutProblem; refunded: boolean };
  credits: number;
  balance: { trial: number; paid: number };
}

export interface RefundResult {
  chargeId: string;
  userId: number;
  stars: number;
  /** Credits the payment bought. */
  credits: number;
  /** Credits taken back now: the unused part of the purchase, never more than the paid balance. */
  removedCredits: number;
  /** Bought credits that had already been spent (or were reserved by a booking in flight) and so stay spent. */
  alreadyUsed: number;
  balanceAfter: number;
}

export class BillingService {
  private stars: StarsGateway | undefined;

  constructor(private readonly deps: { orm: MikroORM; logger: Logger }) {}

  /** Set once the bot is on; without it, invoices and refunds are refused with PAYMENTS_UNAVAILABLE. */
  connect(stars: StarsGateway): void {
    this.stars = stars;
  }

  packs(language: Language): BillingPack[] {
    return PACKS.map((pack) => packView(pack, language));
  }

  /** The Stars invoice for a pack, as the bot sends it or as a link for the Mini App. */
  invoice(packId: string, language: Language): StarsInvoice {
    const pack = findPack(packId);
    if (!pack) throw new DomainError('UNKNOWN_PACK');
    const title = `SlotPilot: ${creditsLabel(pack.credits, language)}`;
    return {
      title,
      // Telegram expects the terms to be reachable from the invoice (1–255 characters).
      description: `${invoiceDescription(pack.credits, language)} ${language === 'en' ? 'Terms: /terms' : 'Условия: /terms'}`.slice(0, 255),
      payload: invoicePayload(pack),
      currency: STARS_CURRENCY,
      prices: [{ label: creditsLabel(pack.credits, language), amount: pack.stars }],
    };
  }

  async createInvoiceLink(packId: string, language: Language): Promise<{ invoiceLink: string }> {
    const invoice = this.invoice(packId, language);
    if (!this.stars) throw new DomainError('PAYMENTS_UNAVAILABLE');
    return { invoiceLink: await this.stars.createInvoiceLink(invoice) };
  }

  /** The pre-checkout check: the pack still exists at the invoiced price, in Stars. Pure and fast (Telegram waits 10 s at most). */
  checkout(input: {
    payload: string;
    currency: string;
    totalAmount: number;
  }): { ok: true; pack: PackDefinition } | { ok: false; problem: CheckoutProblem } {
    if (input.currency !== STARS_CURRENCY) return { ok: false, problem: 'wrong_currency' };
    const invoiced = parseInvoicePayload(input.payload);
    const pack = invoiced && findPack(invoiced.packId);
    if (!invoiced || !pack) return { ok: false, problem: 'unknown_pack' };
    if (pack.stars !== invoiced.stars || pack.credits !== invoiced.credits || input.totalAmount !== pack.stars)
      return { ok: false, problem: 'price_changed' };
    return { ok: true, pack };
  }

  /**
   * Credit a successful payment. The payment row (unique Telegram charge id) and the credits are written in one
   * transaction, so the same update delivered twice, even to two instances at once, credits once.
   */
  async recordPayment(payment: SuccessfulPayment, options: { notify?: boolean } = {}): Promise<PaymentRecorded> {
    // Credit only a pack on sale, in Stars, for exactly its price: the invoice payload is ours, but a payment is what
    // Telegram says was paid, and nothing else may turn into credits (issue 14). Anything else is refunded.
    const verdict = this.checkout({ payload: payment.payload, currency: payment.currency, totalAmount: payment.totalAmount });
    if (!verdict.ok) return this.refuse(payment, verdict.problem, options);
    const { credits, id: packId } = verdict.pack;
    const result = await this.deps.orm.em.fork().transactional(async (em) => {
      const inserted = await em
        .createQueryBuilder(Payment)
        .insert({
          id: crypto.randomUUID(),
          user: payment.userId,
          telegramChargeId: payment.chargeId,
          providerChargeId: payment.providerChargeId ?? null,
          packId,
          credits,
          amount: payment.totalAmount,
          currency: payment.currency,
          status: 'paid',
          createdAt: new Date(),
        })
        .onConflict('telegramChargeId')
        .ignore()
        .execute('run');
      const user = await em.findOneOrFail(User, payment.userId, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (inserted.affectedRows !== 1) return { credited: false, user };
      const row = await em.findOneOrFail(Payment, { telegramChargeId: payment.chargeId });
      user.paidCredits += credits;
      em.create(LedgerEntry, {
        user,
        bucket: 'paid',
        delta: credits,
        balanceAfter: user.paidCredits,
        reason: 'purchase',
        payment: row,
        note: `${packId}: ${payment.totalAmount} ${payment.currency}`,
      });
      // Credited by reconciliation: the buyer is told through the outbox, with the credit, never without it.
      if (options.notify)
        await enqueueNotification(em, {
          userId: payment.userId,
          kind: 'payment_credited',
          payload: { chargeId: payment.chargeId, credits, paid: user.paidCredits, trial: user.trialCredits },
          dedupeKey: `payment_credited:${row.id}`,
        });
      return { credited: true, user };
    });
    const balance = { trial: result.user.trialCredits, paid: result.user.paidCredits };
    this.deps.logger.info(
      {
        event: result.credited ? 'billing.paid' : 'billing.duplicate_payment',
        userId: payment.userId,
        chargeId: payment.chargeId,
        credits,
      },
      result.credited ? 'payment credited' : 'payment already credited; update ignored',
    );
    return { credited: result.credited, credits, balance };
  }

  /**
   * A payment that does not match a pack on sale: recorded once (charge id unique) without credits, logged, and refunded
   * in full. If Telegram refuses the refund the row stays `paid` with 0 credits, so an admin can retry with /refund.
   */
  private async refuse(payment: SuccessfulPayment, problem: CheckoutProblem, options: { notify?: boolean }): Promise<PaymentRecorded> {
    const { logger } = this.deps;
    const details = {
      userId: payment.userId,
      chargeId: payment.chargeId,
      problem,
      currency: payment.currency,
      amount: payment.totalAmount,
    };
    logger.warn({ event: 'billing.payment_refused', ...details }, 'a payment does not match a pack on sale; refunding it');
    const em = this.deps.orm.em.fork();
    const inserted = await em
      .createQueryBuilder(Payment)
      .insert({
        id: crypto.randomUUID(),
        user: payment.userId,
        telegramChargeId: payment.chargeId,
        providerChargeId: payment.providerChargeId ?? null,
        packId: (parseInvoicePayload(payment.payload)?.packId ?? 'unknown').slice(0, 32),
        credits: 0,
        amount: payment.totalAmount,
        currency: payment.currency.slice(0, 8),
        status: 'paid',
        createdAt: new Date(),
      })
      .onConflict('telegramChargeId')
      .ignore()
      .execute('run');
    const user = await em.findOneOrFail(User, payment.userId);
    const balance = { trial: user.trialCredits, paid: user.paidCredits };
    // The same update again: the first delivery already refunded (or tried to).
    if (inserted.affectedRows !== 1) return { credited: false, credits: 0, balance, refused: { problem, refunded: false } };
    try {
      if (!this.stars) throw new Error('the bot is not connected');
      await this.stars.refundStarPayment(payment.userId, payment.chargeId);
      await em.nativeUpdate(Payment, { telegramChargeId: payment.chargeId }, { status: 'refunded', refundedAt: new Date() });
      logger.info({ event: 'billing.refused_refunded', ...details }, 'refused payment refunded');
      if (options.notify)
        await enqueueNotification(em, {
          userId: payment.userId,
          kind: 'payment_refused',
          payload: { chargeId: payment.chargeId, stars: payment.totalAmount },
          dedupeKey: `payment_refused:${payment.chargeId}`.slice(0, 128),
        });
      return { credited: false, credits: 0, balance, refused: { problem, refunded: true } };
    } catch (error) {
      logger.error(
        { event: 'billing.refused_refund_failed', ...details, err: error },
        'could not refund a refused payment; refund it with /refund',
      );
      return { credited: false, credits: 0, balance, refused: { problem, refunded: false } };
    }
  }

  /**
   * Reconcile one of the bot's Star transactions with the payments table: an incoming invoice payment never recorded
   * (the handler crashed, the update was lost) is credited now and the buyer told; a refund made outside the bot's
   * /refund (Telegram's own, or one whose commit failed) takes the unused credits back. Anything else is not ours.
   * Idempotent: the charge id is unique, so running it twice, or alongside the update handler, credits once.
   */
  async reconcileTransaction(raw: unknown): Promise<ReconcileOutcome> {
    const parsed = StarTransaction.safeParse(raw);
    if (!parsed.success) {
      this.deps.logger.warn(
        { event: 'billing.reconcile_unreadable', issues: parsed.error.issues.length },
        'unreadable Star transaction skipped',
      );
      return 'ignored';
    }
    const tx = parsed.data;
    if (tx.receiver?.type === 'user') return (await this.recordRefund(tx.id, 'telegram')) ? 'refunded' : 'known';
    const source = tx.source;
    if (source?.type !== 'user' || source.transaction_type !== 'invoice_payment' || !source.user || source.invoice_payload === undefined)
      return 'ignored';
    const known = await this.deps.orm.em.fork().count(Payment, { telegramChargeId: tx.id });
    if (known > 0) return 'known';
    const recorded = await this.recordPayment(
      { userId: source.user.id, chargeId: tx.id, payload: source.invoice_payload, currency: STARS_CURRENCY, totalAmount: tx.amount },
      { notify: true },
    );
    if (recorded.credited)
      this.deps.logger.warn(
        { event: 'billing.reconciled', userId: source.user.id, chargeId: tx.id, credits: recorded.credits },
        'a paid payment had not been credited; credited by reconciliation',
      );
    return recorded.credited ? 'credited' : recorded.refused ? 'refused' : 'known';
  }

  /**
   * A payment refunded by Telegram (a `refunded_payment` message, or a refund seen in the Star transactions): the
   * purchase's unused credits are taken back (never below zero), the ledger says why, and the buyer is told. False when
   * the payment is unknown or already marked refunded (say, by an admin's /refund).
   */
  async recordRefund(chargeId: string, by: 'telegram'): Promise<boolean> {
    const result = await this.deps.orm.em.fork().transactional(async (em: EntityManager) => {
      const payment = await em.findOne(Payment, { telegramChargeId: chargeId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!payment || payment.status === 'refunded') return undefined;
      const user = await em.findOneOrFail(User, payment.user.id, { lockMode: LockMode.PESSIMISTIC_WRITE });
      const removed = Math.min(payment.credits, user.paidCredits);
      user.paidCredits -= removed;
      payment.status = 'refunded';
      payment.refundedAt = new Date();
      em.create(LedgerEntry, {
        user,
        bucket: 'paid',
        delta: -removed,
        balanceAfter: user.paidCredits,
        reason: 'refund',
        payment,
        note: `refunded by ${by}: ${payment.amount} ${payment.currency}, ${removed} of ${payment.credits} credits taken back`,
      });
      await enqueueNotification(em, {
        userId: user.id,
        kind: 'payment_refunded',
        payload: { chargeId, stars: payment.amount, removedCredits: removed },
        dedupeKey: `payment_refunded:${payment.id}`,
      });
      return { userId: user.id, removed, balanceAfter: user.paidCredits };
    });
    if (result) this.deps.logger.info({ event: 'billing.refund_recorded', chargeId, by, ...result }, 'refund recorded');
    return result !== undefined;
  }

  /**
   * Refund a payment in Stars (admins). Takes back the purchase's unused credits, never below zero; what was already
   * spent stays spent and the result says how much. Telegram is asked first, with the payment row locked, so a refusal
   * changes nothing and two refunds of one payment cannot both go through.
   */
  async refund(chargeId: string, byAdmin: number): Promise<RefundResult> {
    const stars = this.stars;
    if (!stars) throw new DomainError('PAYMENTS_UNAVAILABLE');
    const result = await this.deps.orm.em.fork().transactional(async (em: EntityManager) => {
      const payment = await em.findOne(Payment, { telegramChargeId: chargeId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!payment) throw new DomainError('PAYMENT_NOT_FOUND', { chargeId });
      if (payment.status === 'refunded') throw new DomainError('PAYMENT_ALREADY_REFUNDED', { chargeId });
      const user = await em.findOneOrFail(User, payment.user.id, { lockMode: LockMode.PESSIMISTIC_WRITE });
      try {
        await stars.refundStarPayment(user.id, chargeId);
      } catch (error) {
        if (error instanceof RefundRejectedError) throw new DomainError('REFUND_FAILED', { reason: error.reason });
        throw error;
      }
      const removed = Math.min(payment.credits, user.paidCredits);
      user.paidCredits -= removed;
      payment.status = 'refunded';
      payment.refundedAt = new Date();
      em.create(LedgerEntry, {
        user,
        bucket: 'paid',
        delta: -removed,
        balanceAfter: user.paidCredits,
        reason: 'refund',
        payment,
        note: `refund of ${payment.amount} ${payment.currency} by admin ${byAdmin}: ${removed} of ${payment.credits} credits taken back, ${payment.credits - removed} already used`,
      });
      await enqueueNotification(em, {
        userId: user.id,
        kind: 'payment_refunded',
        payload: { chargeId, stars: payment.amount, removedCredits: removed },
        dedupeKey: `payment_refunded:${payment.id}`,
      });
      return {
        chargeId,
        userId: user.id,
        stars: payment.amount,
        credits: payment.credits,
        removedCredits: removed,
        alreadyUsed: payment.credits - removed,
        balanceAfter: user.paidCredits,
      };
    });
    this.deps.logger.info({ event: 'billing.refunded', ...result, byAdmin }, 'payment refunded');
    return result;
  }
}
