import { CreateRedistributionTaskInput } from '@slotpilot/shared';
import { z } from 'zod';
import { protectedProcedure, router } from '../trpc.ts';

export const bookingsRouter = router({
  list: protectedProcedure.query(({ ctx }) => ctx.services.tasks.history(ctx.user.id)),
});

export const redistributionRouter = router({
  limits: protectedProcedure
    .input(z.object({ nmIds: z.array(z.number().int().positive()).max(100).default([]) }).optional())
    .query(({ ctx, input }) => ctx.services.tasks.redistributionLimits(ctx.user.id, input?.nmIds ?? [])),
  create: protectedProcedure
    .input(CreateRedistributionTaskInput)
    .mutation(({ ctx, input }) => ctx.services.tasks.create(ctx.user.id, input)),
});
