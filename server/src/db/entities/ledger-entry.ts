// Every change of a user's credits, append-only: the audit trail for support and analytics.
import { defineEntity, p } from '@mikro-orm/core';
import { LEDGER_REASONS } from '@slotpilot/shared';
import { BookingResult } from './booking-result.ts';
import { Payment } from './payment.ts';
import { User } from './user.ts';

const LedgerEntrySchema = defineEntity({
  name: 'LedgerEntry',
  tableName: 'ledger_entries',
  indexes: [{ properties: ['user', 'createdAt'] }],
  properties: {
    id: p.bigint('number').primary(),
    user: () => p.manyToOne(User).deleteRule('cascade'),
    /** Which balance moved: the free trial bookings or the paid ones. */
    bucket: p.enum(['trial', 'paid'] as const),
    delta: p.integer(),
    balanceAfter: p.integer(),
    reason: p.enum(LEDGER_REASONS),
    booking: () => p.manyToOne(BookingResult).nullable().deleteRule('set null'),
    payment: () => p.manyToOne(Payment).nullable().deleteRule('set null'),
    note: p.text().nullable(),
    createdAt: p
      .datetime()
      .defaultRaw('now()')
      .onCreate(() => new Date()),
  },
});

export class LedgerEntry extends LedgerEntrySchema.class {}
LedgerEntrySchema.setClass(LedgerEntry);
