import { DomainError, LANGUAGES, type Me, TestAlertId, type TestAlertState } from '@slotpilot/shared';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { z } from 'zod';
import { OutboxMessage } from '../../db/entities/outbox-message.ts';
import { User } from '../../db/entities/user.ts';
import type { OutboxKind } from '../../notify/outbox.ts';
import { protectedProcedure, router } from '../trpc.ts';

/** The outbox kind of a test alert; the bot renders it as one line saying alerts reach the user. */
export const TEST_ALERT_KIND: OutboxKind = 'test_alert';

export const meRouter = router({
  get: protectedProcedure.query(async ({ ctx }): Promise<Me> => {
    const { user } = ctx;
    const stored = await ctx.services.users.findById(user.id);
    return {
      id: user.id,
      firstName: user.firstName,
      lastName: user.lastName,
      username: user.username,
      // The stored language: the one chosen (here or with the bot's /language), else the Telegram profile's.
      language: stored?.language ?? user.language,
      // The Mini App starts in this one when set, before the device's language (shared with the bot's /language).
      chosenLanguage: stored?.chosenLanguage ?? null,
      isAdmin: ctx.services.adminIds.has(user.id),
      // Read now, not from sign-in: payments, bookings and refunds change balances on any instance at any time.
      credits: await ctx.services.users.credits(user.id),
    };
  }),
  /** The language the bot and notifications speak to this user (null: follow the Telegram profile), shared with /language. */
  setLanguage: protectedProcedure
    .input(z.object({ language: z.enum(LANGUAGES).nullable() }))
    .mutation(async ({ ctx, input }) => ({ language: await ctx.services.users.setLanguage(ctx.user.id, input.language) })),

  /**
   * A test alert through the real outbox and bot, so a seller knows alerts reach them before a slot depends on it. Once a
   * minute per user (every instance counts together). The answer is the outbox row to follow with `testAlert`.
   */
  sendTestAlert: protectedProcedure.mutation(async ({ ctx }): Promise<{ id: number }> => {
    const { alerts } = ctx.services;
    if (!alerts.enabled) throw new DomainError('ALERTS_OFF');
    try {
      await alerts.testLimiter.consume(String(ctx.user.id));
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      throw new DomainError('TEST_ALERT_TOO_SOON', { seconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) });
    }
    const em = ctx.services.orm.em.fork();
    const row = await em.transactional(async (tx) => {
      // The seller asks us to write to them now (often right after allowing it in Telegram): a user marked unreachable
      // earlier is tried again, and Telegram's answer decides (a refusal marks them unreachable once more).
      await tx.nativeUpdate(User, { id: ctx.user.id }, { active: true });
      const message = tx.create(OutboxMessage, {
        user: ctx.user.id,
        kind: TEST_ALERT_KIND,
        payload: { requestedAt: Date.now() },
        attempts: 0,
        nextAttemptAt: new Date(),
        createdAt: new Date(),
      });
      await tx.flush();
      return message;
    });
    alerts.nudge();
    return { id: row.id };
  }),

  /** Where the user's test alert is: `pending` until the bot sent it or gave up. */
  testAlert: protectedProcedure.input(TestAlertId).query(async ({ ctx, input }): Promise<{ state: TestAlertState }> => {
    const em = ctx.services.orm.em.fork();
    const row = await em.findOne(OutboxMessage, { id: input.id, user: ctx.user.id, kind: TEST_ALERT_KIND });
    if (!row) throw new DomainError('NOT_FOUND');
    if (row.sentAt) return { state: 'sent' };
    if (!row.failedAt) return { state: 'pending' };
    // Telegram's 403 (blocked, or never allowed to write) marks the user inactive: that is the one the seller can fix.
    const user = await em.findOne(User, ctx.user.id, { fields: ['active'] });
    return { state: user?.active === false ? 'unreachable' : 'failed' };
  }),
});
