// The admin's read of any task (/inspect): the stored row and snapshot, the live view if this instance runs it, and
// the last transitions (every instance keeps them, fed from the bus). The same view the inspector router gives.
import type { MikroORM } from '@mikro-orm/postgresql';
import { MonitoringTask } from '../db/entities/monitoring-task.ts';
import type { ActorHost } from '../monitor/actor-host.ts';
import { leasesOf } from '../monitor/instance-leases.ts';
import { describeSnapshot, type MonitorSnapshot } from '../monitor/machine.ts';
import type { TransitionLog, TransitionRecord } from '../monitor/transition-log.ts';

export interface TaskInspectionView {
  id: string;
  userId: number;
  kind: string;
  mode: string;
  state: string;
  outcome: string | null;
  owner: string | null;
  leaseUntil: number | null;
  nextStepAt: number | null;
  lastCheckAt: number | null;
  reason: string | null;
  bestSeen: { coefficient: number; warehouseId: number; date: string } | null;
  transitions: TransitionRecord[];
}

export class TaskInspection {
  constructor(private readonly deps: { orm: MikroORM; host: ActorHost; transitions: TransitionLog }) {}

  async read(taskId: string): Promise<TaskInspectionView | undefined> {
    const em = this.deps.orm.em.fork();
    const row = await em.findOne(MonitoringTask, taskId);
    if (!row) return undefined;
    const leases = await leasesOf(em, [row.leaseOwner]);
    const live = this.deps.host.describe(taskId);
    const description = live ?? (row.snapshot ? describeSnapshot(row.snapshot as unknown as MonitorSnapshot) : undefined);
    return {
      id: row.id,
      userId: row.user.id,
      kind: row.kind,
      mode: row.mode,
      state: description?.state ?? row.state,
      outcome: description?.outcome ?? row.outcome ?? null,
      owner: row.leaseOwner ?? null,
      leaseUntil: (row.leaseOwner && leases.get(row.leaseOwner)?.getTime()) || null,
      nextStepAt: description?.nextStepAt ?? null,
      lastCheckAt: description?.lastCheckAt ?? null,
      reason: description?.reason ?? null,
      bestSeen: description?.bestSeen ?? null,
      transitions: this.deps.transitions.of(taskId),
    };
  }
}
