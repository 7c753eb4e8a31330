// tRPC init: the procedure kinds every router builds on, and how errors look on the wire.

import { DomainError, errorMessage, localizeIssue, resolveLanguage, validationMessage } from '@slotpilot/shared';
import { initTRPC } from '@trpc/server';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { z } from 'zod';
import { domainErrorOfConstraint } from '../db/constraint-errors.ts';
import { isDependencyOutage } from '../platform/outage.ts';
import type { Context } from './context.ts';
import { AppErrorCause, appCodeOf, appError, fromDomainError } from './errors.ts';

const t = initTRPC.context<Context>().create({
  // Never send stack traces, whatever NODE_ENV says.
  isDev: false,
  errorFormatter({ shape, error, ctx }) {
    const appCode = appCodeOf(error);
    const language = ctx?.language ?? 'ru';
    const zodIssues = error.cause instanceof z.ZodError ? error.cause.issues : undefined;
    // Our own errors carry their message in the user's language. Everything else gets the catalogue text: internal
    // errors may quote anything (SQL, upstream bodies), tRPC's own are English; validation names the field.
    const message =
      error.cause instanceof AppErrorCause
        ? shape.message
        : zodIssues && appCode === 'BAD_INPUT'
          ? validationMessage(zodIssues, language)
          : errorMessage(appCode, language);
    const issues = zodIssues?.slice(0, 20).map((issue) => localizeIssue(issue, language));
    return {
      ...shape,
      message,
      data: { code: shape.data.code, httpStatus: shape.data.httpStatus, path: shape.data.path, appCode, issues },
    };
  },
});

export const router = t.router;

/**
 * Failures users can act on, in their language: services' DomainErrors, the per-user caps PostgreSQL enforces
 * (constraint violations), and PostgreSQL or Redis being unreachable (503 UNAVAILABLE, not a 500).
 */
const mapErrors = t.middleware(async ({ ctx, next }) => {
  const result = await next();
  if (result.ok) return result;
  const cause = result.error.cause;
  if (cause instanceof AppErrorCause) return result;
  if (cause instanceof DomainError) throw fromDomainError(cause, ctx.language);
  const capped = domainErrorOfConstraint(cause);
  if (capped) throw fromDomainError(capped, ctx.language);
  if (result.error.code === 'INTERNAL_SERVER_ERROR' && isDependencyOutage(cause)) {
    ctx.logger.warn({ event: 'api.dependency_unavailable', err: cause }, 'a dependency is unavailable; answered 503');
    throw appError('UNAVAILABLE', ctx.language);
  }
  return result;
});

const baseProcedure = t.procedure.use(mapErrors);

export const publicProcedure = baseProcedure;

/**
 * Signed-in Telegram users: init data verified, the user upserted, the language set from their profile, the per-user
 * rate limit spent (shared by every instance). Sign-in is usually answered from memory (see InitDataVerifier and
 * UserService.signIn): `ctx.user` is who the user is, not their balances.
 */
export const protectedProcedure = baseProcedure
  .use(async ({ ctx, next }) => {
    const result = ctx.services.initData.verify(ctx.authorization);
    if (!result.ok) {
      throw appError(result.code, result.languageHint ? resolveLanguage(result.languageHint) : ctx.language);
    }
    // Until the user row answers (it may not: the database can be down), speak the language Telegram says they use.
    if (result.identity.languageCode) ctx.language = resolveLanguage(result.identity.languageCode);
    const user = await ctx.services.users.signIn(result.identity);
    ctx.identify(user.id);
    // The error formatter sees this same context object: input validation errors come out in the user's language too.
    ctx.language = user.language;
    try {
      await ctx.services.apiRateLimiter.consume(String(user.id));
    } catch (rejection) {
      // Anything but a refusal is the store failing: the limiter counts locally then (localFallback), so this is rare.
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw appError('RATE_LIMITED', user.language, errorMessage('RATE_LIMITED', user.language, { seconds }));
    }
    return next({
      ctx: { ...ctx, user, language: user.language },
    });
  })
  // Again inside: the procedure's own failures in the user's language (the outer one covers sign-in).
  .use(mapErrors);

/** SlotPilot's operators (ADMIN_IDS). */
export const adminProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (!ctx.services.adminIds.has(ctx.user.id)) throw appError('FORBIDDEN', ctx.language);
  return next();
});
