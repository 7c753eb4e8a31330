// Live task states over SSE (tasks.onChange), folded into the cached list and details: no refetch, no layout jump.
import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useApi } from '../api/api-context.tsx';
import type { Task, TaskDetail } from '../api/api-types.ts';
import { queryKeys } from '../api/queries.ts';
import { setStreamStatus } from '../app/stream-status.ts';
import { haptic } from '../telegram/haptics.ts';
import { isSuccess, mergeTaskChange, type TaskChangeFields } from './task-changes.ts';
import { recordChange } from './timeline-store.ts';

export function applyTaskChange(queryClient: QueryClient, change: TaskChangeFields): void {
  let known = false;
  let wasDone = false;
  queryClient.setQueryData<Task[]>(queryKeys.tasks, (list) =>
    list?.map((task) => {
      if (task.id !== change.taskId) return task;
      known = true;
      wasDone = task.state === 'done';
      return mergeTaskChange(task, change);
    }),
  );
  queryClient.setQueryData<TaskDetail>(queryKeys.task(change.taskId), (detail) => detail && mergeTaskChange(detail, change));
  recordChange(change, Date.now());
  if (!known) void queryClient.invalidateQueries({ queryKey: queryKeys.tasks });
  if (change.state === 'done') {
    // A finished task may have booked (credits, history) and has its booking result on the server now.
    void queryClient.invalidateQueries({ queryKey: queryKeys.task(change.taskId) });
    // Changes carry the actor's description only; the card of a task that just finished needs its whole view too
    // (the action link of a task that needs the seller).
    if (known && !wasDone) void queryClient.invalidateQueries({ queryKey: queryKeys.tasks });
    void queryClient.invalidateQueries({ queryKey: queryKeys.me });
    void queryClient.invalidateQueries({ queryKey: queryKeys.history });
    if (known && !wasDone && isSuccess(change)) haptic.success();
  }
}

export function useTaskStream(): void {
  const api = useApi();
  const queryClient = useQueryClient();
  useEffect(() => {
    let lost = false;
    const subscription = api.tasks.onChange.subscribe(undefined, {
      onData: (event) => {
        setStreamStatus('live');
        applyTaskChange(queryClient, event.data);
      },
      // 'pending' = connected; 'connecting' after an error = the link is reconnecting (resuming from the last event id).
      onConnectionStateChange: (state) => {
        if (state.state === 'pending') {
          // Back after a loss: the resync brings task states; the list's other fields (sources, ages) come by refetch.
          if (lost) void queryClient.invalidateQueries();
          lost = false;
          setStreamStatus('live');
        } else if (state.state === 'connecting' && state.error) {
          lost = true;
          setStreamStatus('lost');
        }
      },
      // The link reconnects by itself (resuming from the last event id); a refetch covers what the gap hid.
      onError: () => void queryClient.invalidateQueries({ queryKey: queryKeys.tasks }),
    });
    return () => {
      subscription.unsubscribe();
      setStreamStatus('connecting');
    };
  }, [api, queryClient]);
}
