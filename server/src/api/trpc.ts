// tRPC init: the procedure kinds every router builds on, and how errors look on the wire.

import { DomainError, errorMessage, resolveLanguage } from '@slotpilot/shared';
import { initTRPC } from '@trpc/server';
import { z } from 'zod';
import type { Context } from './context.ts';
import { appCodeOf, appError, fromDomainError } from './errors.ts';

const t = initTRPC.context<Context>().create({
  // Never send stack traces, whatever NODE_ENV says.
  isDev: false,
  errorFormatter({ shape, error, ctx }) {
    const appCode = appCodeOf(error);
    const language = ctx?.language ?? 'ru';
    // Internal errors may quote anything (SQL, upstream bodies): the user gets the catalogue text, the log the detail.
    const message = appCode === 'INTERNAL' ? errorMessage('INTERNAL', language) : shape.message;
    const issues =
      error.cause instanceof z.ZodError ? error.cause.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) : undefined;
    return {
      ...shape,
      message,
      data: { code: shape.data.code, httpStatus: shape.data.httpStatus, path: shape.data.path, appCode, issues },
    };
  },
});

export const router = t.router;

/** Services throw DomainError; callers get it as a tRPC error with the right status, in their language. */
const domainErrors = t.middleware(async ({ ctx, next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof DomainError) {
    throw fromDomainError(result.error.cause, ctx.language);
  }
  return result;
});

export const publicProcedure = t.procedure.use(domainErrors);

/**
 * Signed-in Telegram users: init data verified, the user upserted, the language set from their profile. Both steps are
 * usually answered from memory (see InitDataVerifier and UserService.signIn): `ctx.user` is who the user is, not
 * their balances.
 */
export const protectedProcedure = t.procedure
  .use(async ({ ctx, next }) => {
    const result = ctx.services.initData.verify(ctx.authorization);
    if (!result.ok) {
      throw appError(result.code, result.languageHint ? resolveLanguage(result.languageHint) : ctx.language);
    }
    const user = await ctx.services.users.signIn(result.identity);
    ctx.identify(user.id);
    return next({
      ctx: { ...ctx, user, language: user.language },
    });
  })
  .use(domainErrors);

/** SlotPilot's operators (ADMIN_IDS). */
export const adminProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (!ctx.services.adminIds.has(ctx.user.id)) throw appError('FORBIDDEN', ctx.language);
  return next();
});
