// A Telegram Stars payment. The charge id is unique, so a duplicated `successful_payment` update credits once.
import { defineEntity, p } from '@mikro-orm/core';
import { PAYMENT_STATUSES } from '@slotpilot/shared';
import { User } from './user.ts';

const PaymentSchema = defineEntity({
  name: 'Payment',
  tableName: 'payments',
  indexes: [{ properties: ['user', 'createdAt'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    user: () => p.manyToOne(User).deleteRule('cascade'),
    telegramChargeId: p.string().unique(),
    providerChargeId: p.string().nullable(),
    packId: p.string().length(32),
    credits: p.integer(),
    amount: p.integer(),
    currency: p.string().length(8).default('XTR'),
    status: p.enum(PAYMENT_STATUSES).default('paid'),
    createdAt: p
      .datetime()
      .defaultRaw('now()')
      .onCreate(() => new Date()),
    refundedAt: p.datetime().nullable(),
  },
});

export class Payment extends PaymentSchema.class {}
PaymentSchema.setClass(Payment);
