// Developers' view of every actor: state, owner instance, next deadline, history, live events. Admins only.
import { tracked } from '@trpc/server';
import { z } from 'zod';
import { MonitoringTask } from '../../db/entities/monitoring-task.ts';
import { CHANNEL_TASK_TRANSITION } from '../../monitor/actor-host.ts';
import { leasesOf } from '../../monitor/instance-leases.ts';
import { describeSnapshot, type MonitorSnapshot } from '../../monitor/machine.ts';
import { MACHINE_STATES } from '../../monitor/machine-introspection.ts';
import type { TransitionRecord } from '../../monitor/transition-log.ts';
import { BUS_GAP, busStream } from '../bus-stream.ts';
import { adminProcedure, router } from '../trpc.ts';

export const inspectorRouter = router({
  actors: adminProcedure.input(z.object({ includeDone: z.boolean().default(false) }).optional()).query(async ({ ctx, input }) => {
    const em = ctx.services.orm.em.fork();
    const rows = await em.find(MonitoringTask, input?.includeDone ? {} : { state: { $ne: 'done' } }, {
      orderBy: { updatedAt: 'desc' },
      limit: 1_000,
    });
    const leases = await leasesOf(
      em,
      rows.map((row) => row.leaseOwner),
    );
    return rows.map((row) => {
      const d = row.snapshot ? describeSnapshot(row.snapshot as unknown as MonitorSnapshot) : undefined;
      return {
        id: row.id,
        userId: row.user.id,
        kind: row.kind,
        mode: row.mode,
        state: row.state,
        outcome: row.outcome ?? null,
        owner: row.leaseOwner ?? null,
        leaseUntil: (row.leaseOwner && leases.get(row.leaseOwner)?.toISOString()) || null,
        nextStepAt: d?.nextStepAt ?? null,
        updatedAt: row.updatedAt.toISOString(),
      };
    });
  }),
  actor: adminProcedure.input(z.object({ id: z.uuid() })).query(async ({ ctx, input }) => {
    const em = ctx.services.orm.em.fork();
    const row = await em.findOne(MonitoringTask, input.id);
    if (!row) return null;
    const leases = await leasesOf(em, [row.leaseOwner]);
    const snapshot = row.snapshot as unknown as MonitorSnapshot | null;
    return {
      id: row.id,
      userId: row.user.id,
      kind: row.kind,
      mode: row.mode,
      criteria: row.criteria,
      owner: row.leaseOwner ?? null,
      leaseUntil: (row.leaseOwner && leases.get(row.leaseOwner)?.toISOString()) || null,
      description: snapshot ? describeSnapshot(snapshot) : null,
      context: (snapshot as { context?: unknown } | null)?.context ?? null,
      value: (snapshot as { value?: unknown } | null)?.value ?? null,
      transitions: ctx.services.transitions.of(row.id),
      machine: MACHINE_STATES,
    };
  }),
  onEvent: adminProcedure.input(z.object({ taskId: z.uuid().optional() }).optional()).subscription(async function* ({
    ctx,
    input,
    signal,
  }) {
    const stream = busStream<TransitionRecord>(
      ctx.services.bus,
      CHANNEL_TASK_TRANSITION,
      (t) => !input?.taskId || t.taskId === input.taskId,
      signal,
      ctx.services.shutdown,
    );
    try {
      // Transitions lost while the bus was away are in each actor's history (inspector.actor): nothing to replay here.
      for await (const record of stream) if (record !== BUS_GAP) yield tracked(`${record.taskId}:${record.at}`, record);
    } finally {
      await stream.close();
    }
  }),
});
