// The home screen: who you are, your balance, and every task with its live state.
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../api/api-context.tsx';
import { queryKeys, useMe } from '../api/queries.ts';
import { useT } from '../i18n/i18n.tsx';
import { navigate } from '../router/router.ts';
import { useMainButton } from '../telegram/buttons.ts';
import { ErrorNotice } from '../ui/error-notice.tsx';
import { TaskCard } from './task-card.tsx';

export function TasksScreen() {
  const api = useApi();
  const t = useT();
  const me = useMe();
  // Live changes arrive over SSE; the periodic refetch only refreshes "checked at" times, which change on every poll.
  const tasks = useQuery({ queryKey: queryKeys.tasks, queryFn: () => api.tasks.list.query(), refetchInterval: 15_000 });
  useMainButton({ text: t('tasks.new'), onClick: () => navigate('/tasks/new') });

  return (
    <>
      <header className="screen-head">
        {me.data ? (
          <>
            <h1 data-testid="greeting">{t('app.greeting', { name: me.data.firstName })}</h1>
            <button type="button" className="credits-chip" onClick={() => navigate('/credits')} aria-label={t('credits.title')}>
              <span data-testid="credits-trial">{t('credits.trial', { count: me.data.credits.trial })}</span>
              <span className="hint"> · {t('credits.paid', { count: me.data.credits.paid })}</span>
            </button>
          </>
        ) : me.isError ? (
          <ErrorNotice error={me.error} onRetry={() => void me.refetch()} />
        ) : (
          <div className="skeleton skeleton-head" aria-busy="true" />
        )}
      </header>
      <nav className="quick-links">
        <button type="button" className="chip" onClick={() => navigate('/redistribution')}>
          {t('tasks.redistribution')}
        </button>
        {me.data?.isAdmin && (
          <button type="button" className="chip" onClick={() => navigate('/inspector')} data-testid="open-inspector">
            {t('tasks.inspector')}
          </button>
        )}
      </nav>
      {tasks.isPending ? (
        <div className="skeleton skeleton-card" aria-busy="true" />
      ) : tasks.isError ? (
        <ErrorNotice error={tasks.error} onRetry={() => void tasks.refetch()} />
      ) : tasks.data.length === 0 ? (
        <p className="card empty" data-testid="tasks-empty">
          {t('tasks.empty')}
        </p>
      ) : (
        <section aria-label={t('nav.tasks')} data-testid="task-list">
          {tasks.data.map((task) => (
            <TaskCard key={task.id} task={task} />
          ))}
        </section>
      )}
    </>
  );
}
