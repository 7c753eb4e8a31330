// A monitoring task: what to watch and what to do, plus the durable state of the XState actor that runs it.
import { defineEntity, p } from '@mikro-orm/core';
import { TASK_KINDS, TASK_MODES, TASK_OUTCOMES, TASK_STATES } from '@slotpilot/shared';
import { ADVISORY_LOCK_CLASS, MAX_ACTIVE_TASKS_IN_DB } from '../constraint-errors.ts';
import { User } from './user.ts';

const MonitoringTaskSchema = defineEntity({
  name: 'MonitoringTask',
  tableName: 'monitoring_tasks',
  indexes: [
    { properties: ['user', 'createdAt'] },
    { properties: ['leaseOwner'] },
    // The claim query (`state <> 'done' … order by updated_at`): live rows only, however many finished ones pile up.
    { name: 'monitoring_tasks_live_updated_index', properties: ['updatedAt'], where: "state <> 'done'" },
    // The claim's first step and the fair-share count (monitor/lease-manager.ts): live tasks nobody holds, oldest first.
    { name: 'monitoring_tasks_free_updated_index', properties: ['updatedAt'], where: "state <> 'done' and lease_owner is null" },
    // The archiver's query (db/task-archive.ts): finished tasks, oldest ending first.
    { name: 'monitoring_tasks_done_finished_index', properties: ['finishedAt'], where: "state = 'done'" },
  ],
  uniques: [
    // One live auto-booking task per WB preorder: two would make one booking and charge twice.
    { name: 'monitoring_tasks_live_preorder_unique', properties: ['preorderId'], where: "state <> 'done'" },
  ],
  // The cap on active tasks per user, held by PostgreSQL under any concurrency (issue 14): a count-then-insert in the
  // service let parallel batches through. A transaction-scoped advisory lock per user queues concurrent inserts, so each
  // count sees the rows committed before it; the violation names the cap (db/constraint-errors.ts maps it to TASK_LIMIT).
  triggers: [
    {
      name: 'monitoring_tasks_active_limit',
      timing: 'before',
      events: ['insert'],
      forEach: 'row',
      // The state test is in the body: PostgreSQL rewrites a WHEN clause, and MikroORM would see a changed trigger.
      body:
        "if new.state = 'done' then return new; end if; " +
        `perform pg_advisory_xact_lock(${ADVISORY_LOCK_CLASS.activeTasks}, hashtext(new.user_id::text)); ` +
        `if (select count(*) from monitoring_tasks where user_id = new.user_id and state <> 'done') >= ${MAX_ACTIVE_TASKS_IN_DB} then ` +
        `raise exception 'user % already has ${MAX_ACTIVE_TASKS_IN_DB} active tasks', new.user_id ` +
        `using errcode = 'check_violation', constraint = 'monitoring_tasks_active_limit'; ` +
        'end if; return new;',
    },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    user: () => p.manyToOne(User).deleteRule('cascade'),
    kind: p.enum(TASK_KINDS),
    mode: p.enum(TASK_MODES),
    /** Validated by the kind's zod schema in @slotpilot/shared before it is stored. */
    criteria: p.json<Record<string, unknown>>(),
    state: p.enum(TASK_STATES).default('idle'),
    outcome: p.enum(TASK_OUTCOMES).nullable(),
    /** The WB preorder an auto-booking task books (null for notify and redistribution tasks). */
    preorderId: p.string().length(64).nullable(),
    /** `actor.getPersistedSnapshot()`, written on every state change. */
    snapshot: p.json<Record<string, unknown>>().nullable(),
    /**
     * Fencing token: bumped by every claim of the task by another owner. Snapshot writes and the act's operation writes
     * carry the epoch they were claimed under, so an instance that lost the task (a renewal that committed after another
     * instance claimed) can no longer write or start a WB call for it.
     */
    leaseEpoch: p.integer().default(0),
    /** The instance that runs this task's actor while that instance's lease (`monitor_instances`) is live. */
    leaseOwner: p.string().length(128).nullable(),
    createdAt: p
      .datetime()
      .defaultRaw('now()')
      .onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .defaultRaw('now()')
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
    finishedAt: p.datetime().nullable(),
  },
});

export class MonitoringTask extends MonitoringTaskSchema.class {}
MonitoringTaskSchema.setClass(MonitoringTask);
