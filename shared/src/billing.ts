// Credit packs sold for Telegram Stars: what `billing.packs` returns and `billing.createInvoice` takes.
import { z } from 'zod';
import type { Language } from './language.ts';

/** Telegram Stars: the only currency for digital goods sold inside Telegram. */
export const STARS_CURRENCY = 'XTR';

export interface BillingPack {
  id: string;
  /** Auto-bookings the pack adds to the paid balance. */
  credits: number;
  /** Price in Telegram Stars. */
  stars: number;
  /** "10 auto-bookings", in the caller's language. */
  title: string;
}

export const CreateInvoiceInput = z.object({ packId: z.string().min(1).max(32) });
export type CreateInvoiceInput = z.infer<typeof CreateInvoiceInput>;

export const RefundInput = z.object({ chargeId: z.string().min(1).max(256) });
export type RefundInput = z.infer<typeof RefundInput>;

const RU_BOOKINGS = { one: 'автобронирование', few: 'автобронирования', many: 'автобронирований', other: 'автобронирования' } as const;
const RU_PLURALS = new Intl.PluralRules('ru');

/** "5 автобронирований" / "5 auto-bookings". */
export function creditsLabel(credits: number, language: Language): string {
  if (language === 'en') return `${credits} auto-booking${credits === 1 ? '' : 's'}`;
  return `${credits} ${RU_BOOKINGS[RU_PLURALS.select(credits) as keyof typeof RU_BOOKINGS]}`;
}

/** The text under the title of a Stars invoice. */
export function invoiceDescription(credits: number, language: Language): string {
  return language === 'en'
    ? `${creditsLabel(credits, language)} for SlotPilot: one is spent only when a WB delivery slot is really booked for you.`
    : `${creditsLabel(credits, language)} в SlotPilot: списывается только за реально забронированный слот поставки WB.`;
}
