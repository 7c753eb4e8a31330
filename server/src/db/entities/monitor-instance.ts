// A server process that runs task actors. Its one lease row stands for every task it owns: renewing it is one write per
// heartbeat whatever the number of tasks (a lease per task cost 2,000 row updates a second at 10,000 tasks, issue 8).
// A task whose owner's lease has lapsed is free for any live instance to claim.
import { defineEntity, p } from '@mikro-orm/core';

const MonitorInstanceSchema = defineEntity({
  name: 'MonitorInstance',
  tableName: 'monitor_instances',
  properties: {
    /** `host:pid:random`, new for every process, so a restarted process never inherits a dead one's tasks by name. */
    id: p.string().length(128).primary(),
    leaseUntil: p.datetime(),
    /** Random per process start (see instance-leases.ts): how a restarted process recognises its dead predecessor. */
    bootId: p.string().length(64).nullable(),
    pid: p.integer().nullable(),
    /** How many tasks the instance held at its latest renewal: the fair share is counted from these (issue 19). */
    held: p.integer().default(0),
    startedAt: p
      .datetime()
      .defaultRaw('now()')
      .onCreate(() => new Date()),
  },
});

export class MonitorInstance extends MonitorInstanceSchema.class {}
MonitorInstanceSchema.setClass(MonitorInstance);
