// The whole API. The Mini App imports only the type.
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { billingRouter } from './routers/billing.ts';
import { bookingsRouter, redistributionRouter } from './routers/history.ts';
import { insightsRouter } from './routers/insights.ts';
import { inspectorRouter } from './routers/inspector.ts';
import { keysRouter } from './routers/keys.ts';
import { meRouter } from './routers/me.ts';
import { preordersRouter } from './routers/preorders.ts';
import { slotsRouter } from './routers/slots.ts';
import { tasksRouter } from './routers/tasks.ts';
import { warehousesRouter } from './routers/warehouses.ts';
import { router } from './trpc.ts';

export const appRouter = router({
  me: meRouter,
  keys: keysRouter,
  warehouses: warehousesRouter,
  slots: slotsRouter,
  tasks: tasksRouter,
  preorders: preordersRouter,
  bookings: bookingsRouter,
  redistribution: redistributionRouter,
  inspector: inspectorRouter,
  billing: billingRouter,
  insights: insightsRouter,
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
