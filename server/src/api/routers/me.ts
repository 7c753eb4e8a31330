import { LANGUAGES, type Me } from '@slotpilot/shared';
import { z } from 'zod';
import { protectedProcedure, router } from '../trpc.ts';

export const meRouter = router({
  get: protectedProcedure.query(async ({ ctx }): Promise<Me> => {
    const { user } = ctx;
    return {
      id: user.id,
      firstName: user.firstName,
      lastName: user.lastName,
      username: user.username,
      // The stored language: the one chosen (here or with the bot's /language), else the Telegram profile's.
      language: (await ctx.services.users.findById(user.id))?.language ?? user.language,
      isAdmin: ctx.services.adminIds.has(user.id),
      // Read now, not from sign-in: payments, bookings and refunds change balances on any instance at any time.
      credits: await ctx.services.users.credits(user.id),
    };
  }),
  /** The language the bot and notifications speak to this user (null: follow the Telegram profile), shared with /language. */
  setLanguage: protectedProcedure
    .input(z.object({ language: z.enum(LANGUAGES).nullable() }))
    .mutation(async ({ ctx, input }) => ({ language: await ctx.services.users.setLanguage(ctx.user.id, input.language) })),
});
