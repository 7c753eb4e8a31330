import { CreateSupplyTaskInput, DomainError, TaskId } from '@slotpilot/shared';
import { tracked } from '@trpc/server';
import { z } from 'zod';
import { archivedTaskDetail, isArchivedTask } from '../../db/task-archive.ts';
import { CHANNEL_TASK_CHANGED, type TaskChange } from '../../monitor/actor-host.ts';
import { BUS_GAP, busStream } from '../bus-stream.ts';
import type { Context } from '../context.ts';
import { protectedProcedure, router } from '../trpc.ts';

const isNotFound = (error: unknown) => error instanceof DomainError && error.code === 'NOT_FOUND';

/**
 * A task finished more than TASK_ARCHIVE_DAYS ago lives in `monitoring_tasks_archive` (db/task-archive.ts): its page
 * still opens from the seller's booking history; it has no recent timeline and takes no command.
 */
async function archivedDetail(ctx: Context, userId: number, id: string) {
  const detail = await archivedTaskDetail(ctx.services.orm, userId, id, (row) => ctx.services.tasks.view(userId, row));
  if (!detail) throw new DomainError('NOT_FOUND');
  return detail;
}

async function commandOrFinished<T>(ctx: Context, userId: number, id: string, command: () => Promise<T>): Promise<T> {
  try {
    return await command();
  } catch (error) {
    if (isNotFound(error) && (await isArchivedTask(ctx.services.orm, userId, id))) throw new DomainError('TASK_FINISHED');
    throw error;
  }
}

export const tasksRouter = router({
  create: protectedProcedure.input(CreateSupplyTaskInput).mutation(({ ctx, input }) => ctx.services.tasks.create(ctx.user.id, input)),
  list: protectedProcedure.query(({ ctx }) => ctx.services.tasks.list(ctx.user.id)),
  get: protectedProcedure.input(TaskId).query(async ({ ctx, input }) => {
    try {
      return await ctx.services.tasks.get(ctx.user.id, input.id);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      return archivedDetail(ctx, ctx.user.id, input.id);
    }
  }),
  pause: protectedProcedure
    .input(TaskId)
    .mutation(({ ctx, input }) =>
      commandOrFinished(ctx, ctx.user.id, input.id, () => ctx.services.tasks.command(ctx.user.id, input.id, 'PAUSE')),
    ),
  resume: protectedProcedure
    .input(TaskId)
    .mutation(({ ctx, input }) =>
      commandOrFinished(ctx, ctx.user.id, input.id, () => ctx.services.tasks.command(ctx.user.id, input.id, 'RESUME')),
    ),
  timeline: protectedProcedure.input(TaskId).query(async ({ ctx, input }) => {
    try {
      return await ctx.services.tasks.timeline(ctx.user.id, input.id, ctx.services.transitions);
    } catch (error) {
      if (isNotFound(error) && (await isArchivedTask(ctx.services.orm, ctx.user.id, input.id))) return [];
      throw error;
    }
  }),
  cancel: protectedProcedure
    .input(TaskId)
    .mutation(({ ctx, input }) =>
      commandOrFinished(ctx, ctx.user.id, input.id, () => ctx.services.tasks.command(ctx.user.id, input.id, 'CANCEL')),
    ),

  /**
   * Live changes of the user's tasks (SSE). Every stream, a reconnect with the last id it saw included, first gets the
   * current state of every task (what it may have missed), then live changes.
   */
  onChange: protectedProcedure.input(z.object({ lastEventId: z.string().nullish() }).optional()).subscription(async function* ({
    ctx,
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
      // Every stream starts from the current state of each task: changes made before it listened (or while no instance
      // was listening, when the owners skip publishing: `ifHeard`) are not lost.
      yield* resync();
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
