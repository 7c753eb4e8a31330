import { CreateSupplyTaskInput, TaskId } from '@slotpilot/shared';
import { tracked } from '@trpc/server';
import { z } from 'zod';
import { CHANNEL_TASK_CHANGED, type TaskChange } from '../../monitor/actor-host.ts';
import { BUS_GAP, busStream } from '../bus-stream.ts';
import { protectedProcedure, router } from '../trpc.ts';

export const tasksRouter = router({
  create: protectedProcedure.input(CreateSupplyTaskInput).mutation(({ ctx, input }) => ctx.services.tasks.create(ctx.user.id, input)),
  list: protectedProcedure.query(({ ctx }) => ctx.services.tasks.list(ctx.user.id)),
  get: protectedProcedure.input(TaskId).query(({ ctx, input }) => ctx.services.tasks.get(ctx.user.id, input.id)),
  pause: protectedProcedure.input(TaskId).mutation(({ ctx, input }) => ctx.services.tasks.command(ctx.user.id, input.id, 'PAUSE')),
  resume: protectedProcedure.input(TaskId).mutation(({ ctx, input }) => ctx.services.tasks.command(ctx.user.id, input.id, 'RESUME')),
  timeline: protectedProcedure
    .input(TaskId)
    .query(({ ctx, input }) => ctx.services.tasks.timeline(ctx.user.id, input.id, ctx.services.transitions)),
  cancel: protectedProcedure.input(TaskId).mutation(({ ctx, input }) => ctx.services.tasks.command(ctx.user.id, input.id, 'CANCEL')),

  /**
   * Live changes of the user's tasks (SSE). Resumable: a client reconnecting with the last id it saw first gets the
   * current state of every task (what it may have missed), then live changes.
   */
  onChange: protectedProcedure.input(z.object({ lastEventId: z.string().nullish() }).optional()).subscription(async function* ({
    ctx,
    input,
    signal,
  }) {
    const userId = ctx.user.id;
    const stream = busStream<TaskChange>(
      ctx.services.bus,
      CHANNEL_TASK_CHANGED,
      (change) => change.userId === userId,
      signal,
      ctx.services.shutdown,
    );
    const resync = async function* () {
      for (const view of await ctx.services.tasks.list(userId)) {
        yield tracked(`${view.id}:sync:${Date.now()}`, { taskId: view.id, ...view });
      }
    };
    try {
      await stream.ready;
      if (input?.lastEventId) yield* resync();
      for await (const change of stream) {
        // The bus was away and changes may be lost: send the current state of every task again.
        if (change === BUS_GAP) yield* resync();
        else yield tracked(`${change.taskId}:${change.seq}:${change.at}`, { taskId: change.taskId, ...change.description });
      }
    } finally {
      // Also when the client left before the live loop started (during the resync): no subscription is left behind.
      await stream.close();
    }
  }),
});
