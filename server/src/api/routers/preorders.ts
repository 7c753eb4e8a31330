// The seller's WB preorders: the picker of an auto-booking task, and a new preorder on the seller's explicit request.
import { BoxTypeId } from '@slotpilot/shared';
import { z } from 'zod';
import { protectedProcedure, router } from '../trpc.ts';

/** The limits WB's own draft form keeps to, roughly: a page of goods, barcodes as WB prints them. */
export const CreatePreorderInput = z.object({
  warehouseId: z.number().int().positive().max(2_147_483_647),
  boxTypeId: BoxTypeId,
  goods: z
    .array(
      z.object({
        barcode: z
          .string()
          .trim()
          .min(1, 'enter the barcode')
          .max(32, 'a barcode is at most 32 characters')
          .regex(/^[\p{L}\p{N}_-]+$/u, 'a barcode has letters and digits only'),
        quantity: z.number().int().min(1).max(100_000),
      }),
    )
    .min(1, 'add at least one product')
    .max(100, 'at most 100 rows')
    .refine((goods) => new Set(goods.map((g) => g.barcode)).size === goods.length, 'a barcode is listed twice'),
});

export const preordersRouter = router({
  /** Not-yet-planned preorders from the seller's cabinets, newest first (cached for a minute per user). */
  list: protectedProcedure.query(({ ctx }) => ctx.services.preorders.list(ctx.user.id)),
  /** draft/create + UpdateDraftGoods + supply/create: none of them asks for a captcha. */
  create: protectedProcedure.input(CreatePreorderInput).mutation(({ ctx, input }) => ctx.services.preorders.create(ctx.user.id, input)),
});
