// A Telegram payment update as it arrived (`successful_payment`, later perhaps `refunded_payment`), stored before any
// crediting: a handler that crashes after this leaves a row reconciliation settles, so paid Stars always end as credits.
// One row per Telegram charge id (the payment and its refund share it); `settledAt`/`refundSettledAt` say the
// payments table has caught up with it.
import { defineEntity, p } from '@mikro-orm/core';

const PaymentReceiptSchema = defineEntity({
  name: 'PaymentReceipt',
  tableName: 'payment_receipts',
  properties: {
    telegramPaymentChargeId: p.string().primary(),
    /** The payer (no foreign key: the audit row outlives a deleted user). */
    userId: p.bigint('number'),
    /** The raw `successful_payment` object; null while only the refund is known. */
    payment: p.json<Record<string, unknown>>().nullable(),
    paymentUpdateId: p.bigint('number').nullable(),
    receivedAt: p.datetime().nullable(),
    /** When the payments table got the charge (credited, or refused and refunded). */
    settledAt: p.datetime().nullable(),
    /** The raw `refunded_payment` object. */
    refund: p.json<Record<string, unknown>>().nullable(),
    refundUpdateId: p.bigint('number').nullable(),
    refundReceivedAt: p.datetime().nullable(),
    /** When the payments table marked the charge refunded. */
    refundSettledAt: p.datetime().nullable(),
  },
});

export class PaymentReceipt extends PaymentReceiptSchema.class {}
PaymentReceiptSchema.setClass(PaymentReceipt);
