// A monitoring task: what to watch and what to do, plus the durable state of the XState actor that runs it.
import { defineEntity, p } from '@mikro-orm/core';
import { TASK_KINDS, TASK_MODES, TASK_OUTCOMES, TASK_STATES } from '@slotpilot/shared';
import { User } from './user.ts';

const MonitoringTaskSchema = defineEntity({
  name: 'MonitoringTask',
  tableName: 'monitoring_tasks',
  indexes: [{ properties: ['user', 'createdAt'] }, { properties: ['leaseOwner'] }],
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
    /** `actor.getPersistedSnapshot()`, written on every state change. */
    snapshot: p.json<Record<string, unknown>>().nullable(),
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
