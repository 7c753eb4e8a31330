// Billing (issue 6: `billing.packs`, `billing.createInvoice`) behind one small typed module. The procedures are being
// added to the server in parallel; until `AppRouter` has them, the client is viewed through their agreed shape, and the
// checks below make the typecheck fail if the server's types, once they land, disagree with that shape.
import type { RouterOutputs } from '@slotpilot/server/router';
import type { ApiClient } from './trpc.ts';

/** `billing.packs` → CreditPack[] */
export interface CreditPack {
  id: string;
  credits: number;
  stars: number;
  title: string;
}

/** `billing.createInvoice({ packId })` → Invoice: a Telegram invoice link for `invoice.open`. */
export interface Invoice {
  invoiceLink: string;
}

type ServerPacks = RouterOutputs extends { billing: { packs: infer P } } ? P : CreditPack[];
type ServerInvoice = RouterOutputs extends { billing: { createInvoice: infer I } } ? I : Invoice;
type Assert<T extends true> = T;
export type BillingShapesAgree = [
  Assert<ServerPacks extends CreditPack[] ? true : false>,
  Assert<ServerInvoice extends Invoice ? true : false>,
];

interface BillingProcedures {
  billing: {
    packs: { query(): Promise<CreditPack[]> };
    createInvoice: { mutate(input: { packId: string }): Promise<Invoice> };
  };
}

export function billingApi(client: ApiClient) {
  // tRPC's client is a proxy: the call goes out by path whether or not the type knows it yet.
  const { billing } = client as unknown as BillingProcedures;
  return {
    packs: () => billing.packs.query(),
    createInvoice: (packId: string) => billing.createInvoice.mutate({ packId }),
  };
}
