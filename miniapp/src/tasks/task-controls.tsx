// Pause, resume and cancel: the quick controls on a task card and on the detail screen.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../api/api-context.tsx';
import type { Task, TaskDetail } from '../api/api-types.ts';
import { queryKeys } from '../api/queries.ts';
import { apiErrorCode } from '../api/trpc.ts';
import { useT } from '../i18n/i18n.tsx';
import { navigate } from '../router/router.ts';
import { confirmDestructive } from '../telegram/confirm.ts';
import { haptic } from '../telegram/haptics.ts';
import { ErrorNotice } from '../ui/error-notice.tsx';

export type TaskCommand = 'pause' | 'resume' | 'cancel';

export function useTaskCommand(taskId: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (command: TaskCommand) => api.tasks[command].mutate({ id: taskId }),
    onSuccess: (view) => {
      haptic.success();
      queryClient.setQueryData<Task[]>(queryKeys.tasks, (list) => list?.map((t) => (t.id === view.id ? view : t)));
      queryClient.setQueryData<TaskDetail>(queryKeys.task(view.id), (detail) => detail && { ...detail, ...view });
    },
    onError: (error) => {
      haptic.error();
      // Resuming an auto-booking task needs a credit: that is the paywall, not an error.
      if (apiErrorCode(error) === 'NO_CREDITS') navigate('/credits?paywall=1');
    },
  });
}

export function TaskControls({ task, withoutPause = false }: { task: Pick<Task, 'id' | 'state'>; withoutPause?: boolean }) {
  const t = useT();
  const command = useTaskCommand(task.id);
  const busy = command.isPending;
  if (task.state === 'done') return null;
  const cancel = async () => {
    const sure = await confirmDestructive({ message: t('task.cancelConfirm'), confirm: t('task.cancelYes'), keep: t('task.keep') });
    if (sure) command.mutate('cancel');
  };
  return (
    <>
      <div className="task-actions">
        {withoutPause ? null : task.state === 'idle' ? (
          <button type="button" className="small-button" disabled={busy} onClick={() => command.mutate('resume')} data-testid="task-resume">
            {t('task.resume')}
          </button>
        ) : (
          <button
            type="button"
            className="small-button"
            disabled={busy || task.state === 'booking'}
            onClick={() => command.mutate('pause')}
            data-testid="task-pause"
          >
            {t('task.pause')}
          </button>
        )}
        <button type="button" className="small-button danger" disabled={busy} onClick={() => void cancel()} data-testid="task-cancel">
          {t('task.cancel')}
        </button>
      </div>
      {command.isError && apiErrorCode(command.error) !== 'NO_CREDITS' && <ErrorNotice error={command.error} />}
    </>
  );
}
