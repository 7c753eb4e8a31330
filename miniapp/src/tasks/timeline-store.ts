// Each task's steps as this app saw them arrive live, kept for the session (no API gives a non-admin the history yet).
import { useSyncExternalStore } from 'react';
import { appendTimeline, type TaskChangeFields, type TimelineEntry } from './task-changes.ts';

const timelines = new Map<string, TimelineEntry[]>();
const listeners = new Set<() => void>();
const EMPTY: TimelineEntry[] = [];

export function recordChange(change: TaskChangeFields, at: number): void {
  const before = timelines.get(change.taskId) ?? EMPTY;
  const after = appendTimeline(before, change, at);
  if (after.length === before.length) return;
  timelines.set(change.taskId, after);
  for (const listener of listeners) listener();
}

export function useTimeline(taskId: string): TimelineEntry[] {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => timelines.get(taskId) ?? EMPTY,
  );
}
