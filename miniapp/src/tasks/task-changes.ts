// Live task changes (tasks.onChange) folded into what the screens already hold, without refetching.
import type { TaskLike } from './task-status.ts';

/** The fields every change carries (the actor's description); a resync after reconnecting carries the whole view. */
export interface TaskChangeFields {
  taskId: string;
  state: TaskLike['state'];
  outcome: TaskLike['outcome'];
  lastCheckAt: number | null;
  nextStepAt: number | null;
  reason: string | null;
  found: TaskLike['found'];
  bestSeen: { coefficient: number; warehouseId: number; date: string } | null;
}

export function mergeTaskChange<T extends { id: string } & Omit<TaskChangeFields, 'taskId'>>(task: T, change: TaskChangeFields): T {
  if (task.id !== change.taskId) return task;
  return {
    ...task,
    state: change.state,
    outcome: change.outcome,
    lastCheckAt: change.lastCheckAt ?? task.lastCheckAt,
    nextStepAt: change.nextStepAt,
    reason: change.reason,
    found: change.found,
    bestSeen: change.bestSeen,
  };
}

/** One step of a task's life as the Mini App saw it. */
export interface TimelineEntry {
  at: number;
  state: TaskLike['state'];
  outcome: TaskLike['outcome'];
  reason: string | null;
}

/** Appends a change to a task's timeline when it is a new state (changes of the best coefficient alone are not steps). */
export function appendTimeline(timeline: readonly TimelineEntry[], change: TaskChangeFields, at: number): TimelineEntry[] {
  const last = timeline.at(-1);
  if (last && last.state === change.state && last.outcome === change.outcome) return [...timeline];
  return [...timeline, { at, state: change.state, outcome: change.outcome, reason: change.reason }];
}

/** True when a change finishes a task with a result the seller wanted. */
export function isSuccess(change: Pick<TaskChangeFields, 'state' | 'outcome'>): boolean {
  return change.state === 'done' && (change.outcome === 'booked' || change.outcome === 'notified');
}
