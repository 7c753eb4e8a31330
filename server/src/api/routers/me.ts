import type { Me } from '@slotpilot/shared';
import { protectedProcedure, router } from '../trpc.ts';

export const meRouter = router({
  get: protectedProcedure.query(async ({ ctx }): Promise<Me> => {
    const { user } = ctx;
    return {
      id: user.id,
      firstName: user.firstName,
      lastName: user.lastName,
      username: user.username,
      language: user.language,
      isAdmin: ctx.services.adminIds.has(user.id),
      // Read now, not from sign-in: payments, bookings and refunds change balances on any instance at any time.
      credits: await ctx.services.users.credits(user.id),
    };
  }),
});
