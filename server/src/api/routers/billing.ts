import { type BillingPack, CreateInvoiceInput, RefundInput } from '@slotpilot/shared';
import { LedgerEntry } from '../../db/entities/ledger-entry.ts';
import { adminProcedure, protectedProcedure, router } from '../trpc.ts';

export const billingRouter = router({
  /** The packs on sale, titled in the caller's language. */
  packs: protectedProcedure.query(({ ctx }): BillingPack[] => ctx.services.billing.packs(ctx.language)),
  /** A Stars invoice link for a pack (the Mini App opens it with `openInvoice`). */
  createInvoice: protectedProcedure
    .input(CreateInvoiceInput)
    .mutation(({ ctx, input }): Promise<{ invoiceLink: string }> => ctx.services.billing.createInvoiceLink(input.packId, ctx.language)),
  /** Every change of the caller's credits, newest first (the last 100). */
  ledger: protectedProcedure.query(async ({ ctx }) => {
    const rows = await ctx.services.orm.em.fork().find(LedgerEntry, { user: ctx.user.id }, { orderBy: { id: 'desc' }, limit: 100 });
    return rows.map((r) => ({
      id: r.id,
      at: r.createdAt.toISOString(),
      bucket: r.bucket,
      delta: r.delta,
      balanceAfter: r.balanceAfter,
      reason: r.reason,
    }));
  }),
  /** Admins: refund a payment in Stars and take back its unused credits. */
  refund: adminProcedure.input(RefundInput).mutation(({ ctx, input }) => ctx.services.billing.refund(input.chargeId, ctx.user.id)),
});
