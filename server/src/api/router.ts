// The whole API. The Mini App imports only the type.
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { meRouter } from './routers/me.ts';
import { router } from './trpc.ts';

export const appRouter = router({
  me: meRouter,
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
