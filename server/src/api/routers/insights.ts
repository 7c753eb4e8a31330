// Slot history insights (issue 18): how often and when cells of a warehouse opened, and what one cell did.
import { CellInsightsInput, PreorderCostsInput, WarehouseInsightsInput } from '@slotpilot/shared';
import { protectedProcedure, router } from '../trpc.ts';

export const insightsRouter = router({
  warehouse: protectedProcedure
    .input(WarehouseInsightsInput)
    .query(({ ctx, input }) => ctx.services.insights.warehouse(ctx.user.id, input)),
  cell: protectedProcedure.input(CellInsightsInput).query(({ ctx, input }) => ctx.services.insights.cell(ctx.user.id, input)),
  /** The estimated acceptance cost in ₽ of one of the seller's preorders per date (null where closed). */
  preorderCosts: protectedProcedure
    .input(PreorderCostsInput)
    .query(({ ctx, input }) => ctx.services.preorderCosts.costs(ctx.user.id, input)),
});
