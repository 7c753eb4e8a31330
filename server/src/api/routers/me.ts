import type { Me } from '@slotpilot/shared';
import { protectedProcedure, router } from '../trpc.ts';

export const meRouter = router({
  get: protectedProcedure.query(({ ctx }): Me => {
    const { user } = ctx;
    return {
      id: user.id,
      firstName: user.firstName,
      lastName: user.lastName ?? null,
      username: user.username ?? null,
      language: user.language,
      isAdmin: ctx.services.adminIds.has(user.id),
      credits: { trial: user.trialCredits, paid: user.paidCredits },
    };
  }),
});
