// What the monitor says on the bus: task changes (streamed to the task's owner by the API), transitions (the inspector),
// commands and their acknowledgements (to whichever instance runs the task), and "leases released" (claim now).
import type { MonitorDescription } from './machine.ts';

export type TaskCommand = 'PAUSE' | 'RESUME' | 'CANCEL';

/** What the bus carries when a task changes; the API streams it to the task's owner. */
export interface TaskChange {
  taskId: string;
  userId: number;
  seq: number;
  description: MonitorDescription;
  at: number;
}

export const CHANNEL_TASK_CHANGED = 'tasks:changed';
export const CHANNEL_TASK_TRANSITION = 'tasks:transition';
export const CHANNEL_TASK_COMMAND = 'tasks:command';
export const CHANNEL_TASK_ACK = 'tasks:ack';
/** An instance stopping gracefully released its leases: claim them now rather than at the next heartbeat. */
export const CHANNEL_TASKS_RELEASED = 'tasks:released';
