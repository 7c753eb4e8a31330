// A finished task moved out of `monitoring_tasks` once it is older than TASK_ARCHIVE_DAYS (db/task-archive.ts). The hot
// table then holds live tasks and recent endings only, so what scans it (the claim, the per-user caps, the task list) does
// not grow with years of history. Archived rather than deleted: a seller's booking history links to the task
// (Mini App history → /tasks/<id>), and its final snapshot is what says how it ended (the slot found, the reason it
// failed). No lease columns: an archived task is never run again.
import { defineEntity, p } from '@mikro-orm/core';
import { TASK_KINDS, TASK_MODES, TASK_OUTCOMES } from '@slotpilot/shared';
import { User } from './user.ts';

const ArchivedTaskSchema = defineEntity({
  name: 'ArchivedTask',
  tableName: 'monitoring_tasks_archive',
  indexes: [{ properties: ['user', 'createdAt'] }],
  properties: {
    /** The task's own id, kept: bookings and transfer orders still name it. */
    id: p.uuid().primary(),
    user: () => p.manyToOne(User).deleteRule('cascade'),
    kind: p.enum(TASK_KINDS),
    mode: p.enum(TASK_MODES),
    criteria: p.json<Record<string, unknown>>(),
    outcome: p.enum(TASK_OUTCOMES).nullable(),
    preorderId: p.string().length(64).nullable(),
    /** The actor's last persisted snapshot (state `done`): the task page describes the ending from it. */
    snapshot: p.json<Record<string, unknown>>().nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
    finishedAt: p.datetime(),
    archivedAt: p
      .datetime()
      .defaultRaw('now()')
      .onCreate(() => new Date()),
  },
});

export class ArchivedTask extends ArchivedTaskSchema.class {}
ArchivedTaskSchema.setClass(ArchivedTask);
