// Billing (issue 6): the credit packs on sale and a Stars invoice link for one, in one small typed module.
import type { BillingPack } from '@slotpilot/shared';
import type { ApiClient } from './trpc.ts';

export type CreditPack = BillingPack;

export function billingApi(client: ApiClient) {
  return {
    packs: (): Promise<CreditPack[]> => client.billing.packs.query(),
    createInvoice: (packId: string): Promise<{ invoiceLink: string }> => client.billing.createInvoice.mutate({ packId }),
  };
}
