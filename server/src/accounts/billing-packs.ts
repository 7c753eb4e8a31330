// The packs of auto-bookings sold for Telegram Stars: the one place prices live.
import { type BillingPack, creditsLabel, type Language } from '@slotpilot/shared';

export interface PackDefinition {
  id: string;
  credits: number;
  /** Price in Telegram Stars (XTR). */
  stars: number;
}

export const PACKS: readonly PackDefinition[] = [
  { id: 'pack-5', credits: 5, stars: 250 },
  { id: 'pack-10', credits: 10, stars: 450 },
  { id: 'pack-25', credits: 25, stars: 1000 },
];

export function findPack(id: string): PackDefinition | undefined {
  return PACKS.find((pack) => pack.id === id);
}

export function packView(pack: PackDefinition, language: Language): BillingPack {
  return { id: pack.id, credits: pack.credits, stars: pack.stars, title: creditsLabel(pack.credits, language) };
}

/**
 * What the invoice carries back to us in `pre_checkout_query` and `successful_payment` (at most 128 bytes). Credits and
 * price are in it so a price change between the invoice and the payment is caught at pre-checkout.
 */
export function invoicePayload(pack: PackDefinition): string {
  return `v1:${pack.id}:${pack.credits}:${pack.stars}`;
}

export function parseInvoicePayload(payload: string): { packId: string; credits: number; stars: number } | undefined {
  const match = /^v1:([a-z0-9-]{1,32}):(\d{1,6}):(\d{1,7})$/.exec(payload);
  if (!match) return undefined;
  return { packId: match[1]!, credits: Number(match[2]), stars: Number(match[3]) };
}
