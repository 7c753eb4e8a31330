import { AddKeyInput } from '@slotpilot/shared';
import { z } from 'zod';
import { protectedProcedure, router } from '../trpc.ts';

export const keysRouter = router({
  list: protectedProcedure.query(({ ctx }) => ctx.services.credentials.list(ctx.user.id)),
  add: protectedProcedure.input(AddKeyInput).mutation(({ ctx, input }) => ctx.services.credentials.add(ctx.user.id, input)),
  remove: protectedProcedure.input(z.object({ id: z.uuid() })).mutation(async ({ ctx, input }) => {
    await ctx.services.credentials.remove(ctx.user.id, input.id);
    return { id: input.id };
  }),
});
