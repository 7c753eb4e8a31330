// The home screen: who you are, your balance, one health line, and the tasks — running ones first, finished ones below.
import { useQuery } from '@tanstack/react-query';
import { Suspense, useState } from 'react';
import { useApi } from '../api/api-context.tsx';
import type { Task } from '../api/api-types.ts';
import { queryKeys, useMe } from '../api/queries.ts';
import { lazyScreen } from '../app/lazy-screen.tsx';
import { ScreenBoundary } from '../app/screen-boundary.tsx';
import { useNow } from '../app/use-now.ts';
import { useT } from '../i18n/i18n.tsx';
import { navigate } from '../router/router.ts';
import { useMainButton } from '../telegram/buttons.ts';
import { haptic } from '../telegram/haptics.ts';
import { askWriteAccess, canAskWriteAccess, useWriteAccess } from '../telegram/write-access.ts';
import { ErrorNotice } from '../ui/error-notice.tsx';
import { OfflineBanner } from '../ui/offline-banner.tsx';
import { alertsAtRisk, homeHealth } from './home-health.ts';
import { recentWarehouses } from './recent-choices.ts';
import { ageText } from './slot-source.ts';
import { ToKeysButton } from './slot-source-line.tsx';
import { TaskCard } from './task-card.tsx';

// The radar is for returning sellers only: its code loads with their home screen, never in the first-visit bundle.
const Radar = lazyScreen(() => import('./radar.tsx').then((m) => m.Radar));

export function TasksScreen() {
  const api = useApi();
  const t = useT();
  const me = useMe();
  // Live changes arrive over SSE; the periodic refetch only refreshes "checked at" times, which change on every poll.
  const tasks = useQuery({ queryKey: queryKeys.tasks, queryFn: () => api.tasks.list.query(), refetchInterval: 15_000 });
  useMainButton({ text: t('tasks.new'), onClick: () => navigate('/tasks/new') });
  const active = tasks.data?.filter((task) => task.state !== 'done') ?? [];
  const finished = tasks.data?.filter((task) => task.state === 'done') ?? [];
  // A returning seller (tasks, or warehouses chosen on this device) gets the radar; a first visit keeps the onboarding.
  const [hasRecent] = useState(() => recentWarehouses.get().length > 0);
  const returning = tasks.data !== undefined && (tasks.data.length > 0 || hasRecent);

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
      <OfflineBanner query={tasks} />
      {tasks.data && <HomeHealth tasks={tasks.data} />}
      {returning && tasks.data && (
        <ScreenBoundary resetKey="radar">
          <Suspense fallback={<div className="skeleton skeleton-card" aria-busy="true" />}>
            <Radar tasks={tasks.data} />
          </Suspense>
        </ScreenBoundary>
      )}
      {tasks.isPending ? (
        <div className="skeleton skeleton-card" aria-busy="true" />
      ) : tasks.data === undefined ? (
        <ErrorNotice error={tasks.error} onRetry={() => void tasks.refetch()} />
      ) : tasks.data.length === 0 ? (
        <p className="card empty" data-testid="tasks-empty">
          {t('tasks.empty')}
        </p>
      ) : (
        <>
          {active.length > 0 && (
            <section aria-labelledby="tasks-active" data-testid="task-list">
              <h2 id="tasks-active">{t('tasks.active')}</h2>
              {active.map((task) => (
                <TaskCard key={task.id} task={task} />
              ))}
            </section>
          )}
          {finished.length > 0 && (
            <section aria-labelledby="tasks-finished" data-testid="task-list-finished">
              <h2 id="tasks-finished">{t('tasks.finished')}</h2>
              {finished.map((task) => (
                <TaskCard key={task.id} task={task} />
              ))}
            </section>
          )}
        </>
      )}
    </>
  );
}

function HomeHealth({ tasks }: { tasks: Task[] }) {
  const t = useT();
  const now = useNow();
  const access = useWriteAccess();
  const health = homeHealth(tasks, now);
  const alerts = alertsAtRisk(tasks, access);
  if (!health && !alerts) return null;
  return (
    <section className="card health" aria-label={t('health.title')} data-testid="home-health" data-tone={health?.tone ?? 'ok'}>
      {health && (
        <div className="health-row">
          <span className={`health-dot health-${health.tone}`} aria-hidden="true" />
          <span className="grow" data-testid="home-health-line">
            {t(health.key, {
              source: t(health.source === 'official' ? 'source.official' : 'source.portal'),
              age: health.updatedAt === null ? '' : ageText(health.updatedAt, now, t),
            })}
          </span>
          {health.toKeys && <ToKeysButton />}
        </div>
      )}
      {alerts && (
        <div className="health-row" data-testid="home-alerts">
          <span className="health-dot health-warn" aria-hidden="true" />
          <span className="grow">{t(access === 'denied' ? 'health.alerts.denied' : 'health.alerts.unknown')}</span>
          {canAskWriteAccess() && (
            <button
              type="button"
              className="small-button"
              data-testid="home-allow-alerts"
              onClick={() => void askWriteAccess().then((a) => (a === 'allowed' ? haptic.success() : haptic.warning()))}
            >
              {t('health.alerts.allow')}
            </button>
          )}
        </div>
      )}
    </section>
  );
}
