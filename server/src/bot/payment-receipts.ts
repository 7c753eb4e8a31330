// Telegram payment updates stored before anything credits them (issue 17). A `successful_payment` or
// `refunded_payment` is written here, raw, in a statement of its own; only then does billing credit or take back.
// A handler that fails after that point (database gone mid-way, a crash, a stop) leaves an unsettled row, and the
// delivery leader's reconciliation settles it: the payments table's unique charge id keeps every step idempotent,
// so a receipt settled twice (by its handler and by reconciliation) credits once.
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { BillingService } from '../accounts/billing-service.ts';

/** The fields of Telegram's SuccessfulPayment / RefundedPayment that billing reads. */
export const RawPayment = z.object({
  currency: z.string().max(8),
  total_amount: z.number().int().nonnegative(),
  invoice_payload: z.string().max(128),
  telegram_payment_charge_id: z.string().min(1).max(255),
  provider_payment_charge_id: z.string().max(255).optional(),
});
export type RawPayment = z.infer<typeof RawPayment>;

export interface ReceiptsSettled {
  /** Payments credited now (their handler had not finished). */
  credited: number;
  /** Payments that matched no pack, refused now. */
  refused: number;
  refunded: number;
  /** Receipts marked settled (including those whose crediting had happened and only the mark was missing). */
  settled: number;
}

/** Receipts settled per reconciliation pass, at most (the rest wait for the next pass). */
const BATCH = 200;

export class PaymentReceipts {
  constructor(private readonly deps: { orm: MikroORM; billing: Pick<BillingService, 'recordPayment' | 'recordRefund'>; logger: Logger }) {}

  /** Store a `successful_payment` as it arrived. A redelivered update keeps the first copy. */
  async receivePayment(userId: number, updateId: number, payment: RawPayment): Promise<void> {
    await this.execute(
      `insert into payment_receipts (telegram_payment_charge_id, user_id, payment, payment_update_id, received_at)
       values (?, ?, ?::jsonb, ?, now())
       on conflict (telegram_payment_charge_id) do update set
         payment = coalesce(payment_receipts.payment, excluded.payment),
         payment_update_id = coalesce(payment_receipts.payment_update_id, excluded.payment_update_id),
         received_at = coalesce(payment_receipts.received_at, excluded.received_at)`,
      [payment.telegram_payment_charge_id, userId, JSON.stringify(payment), updateId],
    );
  }

  /** Store a `refunded_payment` as it arrived (its payment's row may not exist yet: one row per charge id). */
  async receiveRefund(userId: number, updateId: number, refund: RawPayment): Promise<void> {
    await this.execute(
      `insert into payment_receipts (telegram_payment_charge_id, user_id, refund, refund_update_id, refund_received_at)
       values (?, ?, ?::jsonb, ?, now())
       on conflict (telegram_payment_charge_id) do update set
         refund = coalesce(payment_receipts.refund, excluded.refund),
         refund_update_id = coalesce(payment_receipts.refund_update_id, excluded.refund_update_id),
         refund_received_at = coalesce(payment_receipts.refund_received_at, excluded.refund_received_at)`,
      [refund.telegram_payment_charge_id, userId, JSON.stringify(refund), updateId],
    );
  }

  /** The payment is settled once the payments table holds its charge id (credited, or refused with 0 credits). */
  async markSettled(chargeId: string): Promise<void> {
    await this.execute(
      `update payment_receipts r set settled_at = now()
       where r.telegram_payment_charge_id = ? and r.settled_at is null
         and exists (select 1 from payments p where p.telegram_charge_id = r.telegram_payment_charge_id)`,
      [chargeId],
    );
  }

  /** The refund is settled once the payments table says the charge was refunded. */
  async markRefundSettled(chargeId: string): Promise<void> {
    await this.execute(
      `update payment_receipts r set refund_settled_at = now()
       where r.telegram_payment_charge_id = ? and r.refund_settled_at is null
         and exists (select 1 from payments p where p.telegram_charge_id = r.telegram_payment_charge_id and p.status = 'refunded')`,
      [chargeId],
    );
  }

  /**
   * Settle the receipts their handlers left, older than `minAgeMs` (a younger one is likely still in its handler):
   * credit the payment (the buyer is told through the outbox), then take back a refund. A refund whose payment is
   * still unknown waits for it (the Star transactions pass may credit it first).
   */
  async settle({ minAgeMs }: { minAgeMs: number }): Promise<ReceiptsSettled> {
    const { billing, logger } = this.deps;
    const summary: ReceiptsSettled = { credited: 0, refused: 0, refunded: 0, settled: 0 };
    const rows = await this.deps.orm.em
      .fork()
      .getConnection()
      .execute<Array<{ charge_id: string; user_id: string; payment: unknown; refund: unknown; paid_open: boolean; refund_open: boolean }>>(
        `select telegram_payment_charge_id as charge_id, user_id, payment, refund,
                (payment is not null and settled_at is null) as paid_open,
                (refund is not null and refund_settled_at is null) as refund_open
         from payment_receipts
         where (payment is not null and settled_at is null and received_at < now() - ?::interval)
            or (refund is not null and refund_settled_at is null and refund_received_at < now() - ?::interval)
         order by coalesce(received_at, refund_received_at)
         limit ?`,
        [`${minAgeMs} milliseconds`, `${minAgeMs} milliseconds`, BATCH],
      );
    for (const row of rows) {
      const chargeId = row.charge_id;
      if (row.paid_open) {
        const raw = RawPayment.safeParse(row.payment);
        if (!raw.success) {
          logger.error({ event: 'billing.receipt_unreadable', chargeId }, 'a stored payment cannot be read; settle it by hand');
          continue;
        }
        const recorded = await billing.recordPayment(
          {
            userId: Number(row.user_id),
            chargeId,
            providerChargeId: raw.data.provider_payment_charge_id || undefined,
            payload: raw.data.invoice_payload,
            currency: raw.data.currency,
            totalAmount: raw.data.total_amount,
          },
          { notify: true },
        );
        if (recorded.credited) {
          summary.credited++;
          logger.warn(
            { event: 'billing.receipt_credited', userId: Number(row.user_id), chargeId, credits: recorded.credits },
            'a stored payment its handler had not credited was credited by reconciliation',
          );
        } else if (recorded.refused) summary.refused++;
        await this.markSettled(chargeId);
        summary.settled++;
      }
      if (row.refund_open) {
        if (await billing.recordRefund(chargeId, 'telegram')) summary.refunded++;
        await this.markRefundSettled(chargeId);
      }
    }
    return summary;
  }

  private async execute(sql: string, params: unknown[]): Promise<void> {
    await this.deps.orm.em.fork().getConnection().execute(sql, params);
  }
}
